package org.labhub.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.labhub.files.ShareLookup;
import org.labhub.storage.RelPath;

/** The write side and the on-disk life of the index: replace, remove, fingerprints, commit and reopen, refusal of bad indexes. */
class LuceneIndexTest {
    Corpus corpus;

    @BeforeEach
    void open() throws IOException {
        corpus = new Corpus();
    }

    @AfterEach
    void close() throws IOException {
        corpus.close();
    }

    private List<String> found(String user, String q) throws IOException {
        SearchService s = new SearchService(corpus.index, ShareLookup.NONE, () -> false, 1 << 20);
        return s.search(user, SearchRequest.from(n -> n.equals("q") ? Optional.of(q) : Optional.empty())).hits().stream()
                .map(SearchService.Hit::path).sorted().toList();
    }

    @Test
    void aNewIndexIsCreatedEmptyAndSaysSo() throws IOException {
        assertThat(corpus.index.created()).isTrue();
        assertThat(corpus.index.documents()).isZero();
    }

    @Test
    void puttingAFileAgainReplacesItsDocument() throws IOException {
        corpus.write("alice", "notes.txt", "the first draft mentions zebras");
        assertThat(found("alice", "zebras")).containsExactly("notes.txt");
        corpus.write("alice", "notes.txt", "the second draft mentions giraffes");
        assertThat(found("alice", "zebras")).isEmpty();
        assertThat(found("alice", "giraffes")).containsExactly("notes.txt");
        assertThat(corpus.index.documents()).isEqualTo(1);
    }

    @Test
    void removeTreeRemovesTheItemAndEverythingUnderItButNotItsNeighbours() throws IOException {
        corpus.write("alice", "proj/a.txt", "common word");
        corpus.write("alice", "proj/sub/b.txt", "common word");
        corpus.write("alice", "project2/c.txt", "common word");
        corpus.write("bob", "proj/d.txt", "common word");
        corpus.index.removeTree(Corpus.at("alice", "proj"));
        corpus.index.refresh();
        assertThat(found("alice", "common")).containsExactly("project2/c.txt");
        assertThat(found("bob", "common")).containsExactly("proj/d.txt");
        corpus.index.removeTree(Corpus.at("alice", "project2/c.txt"));
        corpus.index.refresh();
        assertThat(found("alice", "common")).isEmpty();
    }

    @Test
    void removeOwnerRemovesEveryDocumentOfThatHomeOnly() throws IOException {
        corpus.write("alice", "a.txt", "word");
        corpus.write("alice", "deep/er/b.txt", "word");
        corpus.write("bob", "c.txt", "word");
        corpus.index.removeOwner("alice");
        corpus.index.refresh();
        assertThat(found("alice", "word")).isEmpty();
        assertThat(found("bob", "word")).containsExactly("c.txt");
    }

    @Test
    void fingerprintsAreTheEtagsOfWhatWasPutIncludingUpdatesNotYetRefreshed() throws IOException {
        corpus.write("alice", "a.txt", "one");
        corpus.write("alice", "dir/b.ipynb", "{}");
        corpus.write("bob", "c.txt", "three");
        Path c = corpus.root.resolve("homes/alice/dir/new.txt");
        Files.writeString(c, "not refreshed yet");
        corpus.index.put(Corpus.at("alice", "dir/new.txt"), corpus.files.stat(Corpus.at("alice", "dir/new.txt")).orElseThrow());
        Map<RelPath, String> prints = corpus.index.fingerprints("alice");
        assertThat(prints).containsOnlyKeys(RelPath.parse("a.txt"), RelPath.parse("dir/b.ipynb"), RelPath.parse("dir/new.txt"));
        assertThat(prints.get(RelPath.parse("a.txt"))).isEqualTo(corpus.files.stat(Corpus.at("alice", "a.txt")).orElseThrow().etag());
        assertThat(corpus.index.fingerprints("nobody")).isEmpty();
    }

    @Test
    void aFileThatVanishedBeforeItWasReadIsRemovedNotIndexed() throws IOException {
        var at = corpus.write("alice", "gone.txt", "ephemeral");
        var entry = corpus.files.stat(at).orElseThrow();
        Files.delete(corpus.root.resolve("homes/alice/gone.txt"));
        corpus.index.put(at, entry);
        corpus.index.refresh();
        assertThat(found("alice", "ephemeral")).isEmpty();
        assertThat(corpus.index.fingerprints("alice")).isEmpty();
    }

    @Test
    void aLinkPlantedInPlaceOfAFileIsNeverFollowed() throws IOException {
        Path secret = Files.createTempFile("secret", ".txt");
        Files.writeString(secret, "topsecretvalue");
        var at = corpus.write("alice", "link.txt", "harmless");
        var entry = corpus.files.stat(at).orElseThrow();
        Path p = corpus.root.resolve("homes/alice/link.txt");
        Files.delete(p);
        Files.createSymbolicLink(p, secret);
        corpus.index.put(at, entry);
        corpus.index.refresh();
        assertThat(found("alice", "topsecretvalue")).isEmpty();
        assertThat(found("alice", "harmless")).isEmpty();
    }

    @Test
    void committedDocumentsSurviveAReopenAndTheReopenedIndexIsNotNew() throws IOException {
        corpus.write("alice", "kept.txt", "durable words");
        corpus.index.commit();
        corpus.index.close();
        corpus.index = LuceneIndex.open(corpus.indexDir(), corpus.files, Corpus.CONFIG);
        assertThat(corpus.index.created()).isFalse();
        assertThat(found("alice", "durable")).containsExactly("kept.txt");
    }

    @Test
    void aCorruptIndexFileMakesTheIndexUnusableAndRecreateStartsAfresh() throws IOException {
        corpus.write("alice", "a.txt", "words");
        corpus.index.close();
        corpus.index = null;
        Path segments;
        try (Stream<Path> s = Files.list(corpus.indexDir())) {
            segments = s.filter(p -> p.getFileName().toString().startsWith("segments_")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(segments);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(segments, bytes);
        assertThatThrownBy(() -> LuceneIndex.open(corpus.indexDir(), corpus.files, Corpus.CONFIG))
                .isInstanceOf(IndexUnusable.class).hasMessageContaining("corrupt");
        corpus.index = LuceneIndex.recreate(corpus.indexDir(), corpus.files, Corpus.CONFIG);
        assertThat(corpus.index.created()).isTrue();
        assertThat(corpus.index.documents()).isZero();
    }

    @Test
    void aTruncatedSegmentFileMakesTheIndexUnusable() throws IOException {
        corpus.write("alice", "a.txt", "words");
        corpus.index.close();
        corpus.index = null;
        try (Stream<Path> s = Files.list(corpus.indexDir())) {
            for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".cfs") || p.getFileName().toString().endsWith(".si")).toList()) {
                byte[] bytes = Files.readAllBytes(p);
                Files.write(p, java.util.Arrays.copyOf(bytes, bytes.length / 2));
            }
        }
        assertThatThrownBy(() -> LuceneIndex.open(corpus.indexDir(), corpus.files, Corpus.CONFIG)).isInstanceOf(IndexUnusable.class);
    }

    @Test
    void anIndexOfAnotherSchemaVersionOrWithoutOneIsUnusable() throws IOException {
        corpus.index.close();
        corpus.index = null;
        try (FSDirectory dir = FSDirectory.open(corpus.indexDir());
             IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE))) {
            w.setLiveCommitData(Map.of(IndexFields.SCHEMA_KEY, "0").entrySet());
            w.commit();
        }
        assertThatThrownBy(() -> LuceneIndex.open(corpus.indexDir(), corpus.files, Corpus.CONFIG))
                .isInstanceOf(IndexUnusable.class).hasMessageContaining("schema 0").hasMessageContaining("schema " + IndexFields.SCHEMA_VERSION);
        try (FSDirectory dir = FSDirectory.open(corpus.indexDir());
             IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE))) {
            w.commit();
        }
        assertThatThrownBy(() -> LuceneIndex.open(corpus.indexDir(), corpus.files, Corpus.CONFIG))
                .isInstanceOf(IndexUnusable.class).hasMessageContaining("(none)");
    }
}
