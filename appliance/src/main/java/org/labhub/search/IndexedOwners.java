package org.labhub.search;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.TreeSet;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/** The owners the index holds live documents of (its {@code owner} terms), so the reconcile can drop homes that are gone. */
final class IndexedOwners {
    private IndexedOwners() {}

    static Set<String> of(LuceneIndex index) {
        try {
            return index.read(searcher -> {
                Set<String> owners = new TreeSet<>();
                for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                    Terms terms = leaf.reader().terms(IndexFields.OWNER);
                    if (terms == null) {
                        continue;
                    }
                    Bits live = leaf.reader().getLiveDocs();
                    TermsEnum it = terms.iterator();
                    PostingsEnum docs = null;
                    for (BytesRef term = it.next(); term != null; term = it.next()) {
                        docs = it.postings(docs, PostingsEnum.NONE);
                        for (int d = docs.nextDoc(); d != PostingsEnum.NO_MORE_DOCS; d = docs.nextDoc()) {
                            if (live == null || live.get(d)) {
                                owners.add(term.utf8ToString());
                                break;
                            }
                        }
                    }
                }
                return owners;
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
