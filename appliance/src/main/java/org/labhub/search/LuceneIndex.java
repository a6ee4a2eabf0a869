package org.labhub.search;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.LRUQueryCache;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.labhub.config.LabhubConfig;
import org.labhub.search.IndexFields.Extract;
import org.labhub.storage.Entry;
import org.labhub.storage.FileError;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lucene index under {@code <data>/index/}: one writer for every update, a {@link SearcherManager} for
 * near-real-time reads ({@link #refresh()} makes updates searchable without writing a commit), and commits that
 * record the labhub schema version. Opening refuses what cannot be trusted ({@link IndexUnusable}), so the caller
 * can rebuild; a missing index is simply created.
 */
public final class LuceneIndex implements IndexUpdates, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LuceneIndex.class);

    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final FileText text;
    private final boolean created;

    private LuceneIndex(Directory directory, IndexWriter writer, SearcherManager searchers, FileText text, boolean created) {
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
        this.text = text;
        this.created = created;
    }

    /**
     * Opens the index in {@code dir}, creating an empty one if there is none.
     *
     * @throws IndexUnusable when an index is there but corrupt, too old for this Lucene, or of another labhub schema
     */
    public static LuceneIndex open(Path dir, FileStore store, LabhubConfig.Search cfg) throws IOException {
        Files.createDirectories(dir);
        Directory directory = FSDirectory.open(dir);
        IndexWriter writer = null;
        try {
            boolean exists = DirectoryReader.indexExists(directory);
            if (exists) {
                checkSchema(directory);
            }
            IndexWriterConfig iwc = new IndexWriterConfig(SearchAnalyzers.index()).setCodec(new LabhubCodec())
                    .setOpenMode(exists ? IndexWriterConfig.OpenMode.APPEND : IndexWriterConfig.OpenMode.CREATE)
                    .setCommitOnClose(false);
            writer = new IndexWriter(directory, iwc);
            writer.setLiveCommitData(Map.of(IndexFields.SCHEMA_KEY, IndexFields.SCHEMA_VERSION).entrySet());
            if (!exists) {
                writer.commit(); // an empty index that says its schema, so a crash now leaves nothing ambiguous
            }
            // Opening a reader opens every segment (headers, footers, field infos): damage there shows now, not mid-query.
            SearcherManager searchers = new SearcherManager(writer, new CachingSearchers());
            FileText text = new FileText(store, (int) cfg.maxTextBytes(), cfg.maxNotebookBytes());
            log.atInfo().addKeyValue("dir", dir).addKeyValue("documents", writer.getDocStats().numDocs)
                    .addKeyValue("created", !exists).log("search index open");
            return new LuceneIndex(directory, writer, searchers, text, !exists);
        } catch (IndexFormatTooOldException | IndexFormatTooNewException e) {
            closeQuietly(writer, directory);
            throw new IndexUnusable("the search index was written by another Lucene version: " + e.getMessage(), e);
        } catch (CorruptIndexException e) {
            closeQuietly(writer, directory);
            throw new IndexUnusable("the search index is corrupt: " + e.getMessage(), e);
        } catch (IndexUnusable e) {
            closeQuietly(writer, directory);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeQuietly(writer, directory);
            if (e instanceof org.apache.lucene.store.LockObtainFailedException) {
                throw e; // someone else holds the index: not a reason to delete it
            }
            throw new IndexUnusable("the search index cannot be opened: " + e, e);
        }
    }

    /** Deletes whatever is in {@code dir} (an unusable index) and opens a new, empty index there. */
    public static LuceneIndex recreate(Path dir, FileStore store, LabhubConfig.Search cfg) throws IOException {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(f)) {
                        Files.delete(f);
                    }
                }
            }
        }
        return open(dir, store, cfg);
    }

    private static void checkSchema(Directory directory) throws IOException {
        Map<String, String> data = SegmentInfos.readLatestCommit(directory).getUserData();
        String version = data.get(IndexFields.SCHEMA_KEY);
        if (!IndexFields.SCHEMA_VERSION.equals(version)) {
            throw new IndexUnusable("the search index has schema " + (version == null ? "(none)" : version)
                    + ", this labhub writes schema " + IndexFields.SCHEMA_VERSION, null);
        }
    }

    private static void closeQuietly(IndexWriter writer, Directory directory) {
        try {
            if (writer != null) {
                writer.rollback();
            }
        } catch (IOException | RuntimeException e) {
            log.debug("closing a refused index: {}", e.toString());
        }
        try {
            directory.close();
        } catch (IOException e) {
            log.debug("closing a refused index directory: {}", e.toString());
        }
    }

    /**
     * Searchers sharing one query cache that also caches the clauses of segments under Lucene's default minimum of
     * 10,000 documents, which is every segment of a lab's index: a user's permission clause (their shares, as one term
     * set) is then a cached bit set per segment after a few searches, not a walk over the postings of every shared
     * folder each time. The cache is keyed by the clause itself (the exact set of shares) and by segment, so a changed
     * share is another key and a changed segment another segment: it can serve nothing stale.
     */
    private static final class CachingSearchers extends SearcherFactory {
        private static final int MIN_SEGMENT_DOCS = 1_000;
        private final LRUQueryCache cache = new LRUQueryCache(1_000, 32L << 20,
                leaf -> leaf.reader().maxDoc() >= MIN_SEGMENT_DOCS, 10f);

        @Override
        public IndexSearcher newSearcher(IndexReader reader, IndexReader previous) {
            IndexSearcher searcher = new IndexSearcher(reader);
            searcher.setQueryCache(cache);
            return searcher;
        }
    }

    /** True when {@link #open} found no index and made an empty one (the caller fills it from the homes). */
    public boolean created() {
        return created;
    }

    /** Documents searchable now. */
    public int documents() throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return s.getIndexReader().numDocs();
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public void put(Location file, Entry entry) throws IOException {
        if (!entry.isFile() || file.path().isRoot()) {
            writer.deleteDocuments(IndexFields.idTerm(file));
            return;
        }
        Extract x;
        try {
            x = text.extract(file, entry);
        } catch (FileError e) {
            // Gone, a link or a folder now: whatever the index held for this path is stale.
            writer.deleteDocuments(IndexFields.idTerm(file));
            return;
        } catch (java.nio.file.NoSuchFileException e) {
            writer.deleteDocuments(IndexFields.idTerm(file));
            return;
        } catch (IOException | RuntimeException e) {
            log.atDebug().addKeyValue("file", file).log("indexing by name only: " + e);
            x = Extract.metadataOnly(IndexFields.extension(file.path().name()).equals("ipynb") ? IndexFields.NOTEBOOK : IndexFields.OTHER,
                    file.path().name());
        }
        try {
            writer.updateDocument(IndexFields.idTerm(file), IndexFields.document(file, entry, x));
        } catch (IllegalArgumentException e) {
            // Analysis refused something in the text (Lucene checks offsets and term sizes): keep the file findable by name.
            log.atDebug().addKeyValue("file", file).log("indexing by name only: " + e.getMessage());
            Extract bare = Extract.metadataOnly(x.type(), file.path().name());
            writer.updateDocument(IndexFields.idTerm(file), IndexFields.document(file, entry, bare));
        }
    }

    @Override
    public void removeTree(Location item) throws IOException {
        if (item.path().isRoot()) {
            removeOwner(item.owner());
            return;
        }
        writer.deleteDocuments(IndexFields.ancestorTerm(item));
    }

    @Override
    public void removeOwner(String owner) throws IOException {
        writer.deleteDocuments(new Term(IndexFields.OWNER, owner));
    }

    /** Removes every document (before a rebuild into the same index). */
    public void removeAll() throws IOException {
        writer.deleteAll();
    }

    @Override
    public Map<RelPath, String> fingerprints(String owner) throws IOException {
        searchers.maybeRefreshBlocking(); // the reconcile compares with what was put so far, not with the last refresh
        IndexSearcher s = searchers.acquire();
        try {
            Map<RelPath, String> result = new HashMap<>();
            BytesRef term = new BytesRef(owner);
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                var terms = leaf.reader().terms(IndexFields.OWNER);
                if (terms == null) {
                    continue;
                }
                TermsEnum te = terms.iterator();
                if (!te.seekExact(term)) {
                    continue;
                }
                Bits live = leaf.reader().getLiveDocs();
                // Doc values, not stored fields: a stored document is decompressed whole, content and all.
                BinaryDocValues paths = DocValues.getBinary(leaf.reader(), IndexFields.PATH);
                BinaryDocValues prints = DocValues.getBinary(leaf.reader(), IndexFields.FINGERPRINT);
                PostingsEnum docs = te.postings(null, PostingsEnum.NONE);
                for (int doc = docs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.nextDoc()) {
                    if (live != null && !live.get(doc)) {
                        continue;
                    }
                    if (paths.advanceExact(doc) && prints.advanceExact(doc)) {
                        result.put(RelPath.parse(paths.binaryValue().utf8ToString()), prints.binaryValue().utf8ToString());
                    }
                }
            }
            return result;
        } finally {
            searchers.release(s);
        }
    }

    @Override
    public void refresh() throws IOException {
        searchers.maybeRefresh();
    }

    @Override
    public void commit() throws IOException {
        writer.commit();
    }

    /** Runs a read against the current searcher (acquired and released around it). */
    <T> T read(Read<T> read) throws IOException {
        IndexSearcher s = searchers.acquire();
        try {
            return read.apply(s);
        } finally {
            searchers.release(s);
        }
    }

    /** A read of the index. */
    @FunctionalInterface
    interface Read<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    /** Commits what was written, then closes. */
    @Override
    public void close() throws IOException {
        try {
            if (writer.isOpen()) {
                writer.commit();
            }
        } finally {
            try {
                searchers.close();
            } finally {
                try {
                    writer.close();
                } finally {
                    directory.close();
                }
            }
        }
    }
}
