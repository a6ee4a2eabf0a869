package org.labhub.search;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.util.BytesRef;

/**
 * What a result shows about its file, read from doc values (see {@link IndexFields}): a page of 20 results then reads
 * 20 short values per field instead of decompressing 20 whole stored documents, which was a third of a query's time.
 */
final class HitFields {
    /** The shown values of one document. */
    record Shown(String owner, String path, String type, String lang, long size, Instant modified, String title, int cells) {}

    private HitFields() {}

    static Shown read(IndexReader reader, int doc) throws IOException {
        List<LeafReaderContext> leaves = reader.leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        LeafReader r = leaf.reader();
        int d = doc - leaf.docBase;
        return new Shown(keyword(r, IndexFields.OWNER, d), binary(r, IndexFields.PATH, d), keyword(r, IndexFields.TYPE, d),
                keyword(r, IndexFields.LANG, d), number(r, IndexFields.SIZE, d), Instant.ofEpochMilli(number(r, IndexFields.MODIFIED, d)),
                binary(r, IndexFields.TITLE, d), (int) number(r, IndexFields.CELLS, d));
    }

    private static String keyword(LeafReader r, String field, int doc) throws IOException {
        SortedSetDocValues values = DocValues.getSortedSet(r, field);
        return values.advanceExact(doc) ? values.lookupOrd(values.nextOrd()).utf8ToString() : "";
    }

    private static String binary(LeafReader r, String field, int doc) throws IOException {
        BinaryDocValues values = DocValues.getBinary(r, field);
        if (!values.advanceExact(doc)) {
            return "";
        }
        BytesRef b = values.binaryValue();
        return b.utf8ToString();
    }

    private static long number(LeafReader r, String field, int doc) throws IOException {
        NumericDocValues values = DocValues.getNumeric(r, field);
        return values.advanceExact(doc) ? values.longValue() : 0;
    }
}
