package org.labhub.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.KeywordField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.Term;
import org.apache.lucene.util.BytesRef;
import org.labhub.storage.Entry;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;

/**
 * The index schema in one place: one document per regular file in a home, its fields and how each is indexed.
 * Changing what a field holds or how it is analysed means raising {@link #SCHEMA_VERSION}, which makes an
 * existing index unusable (and rebuilt) instead of silently half-matching.
 */
public final class IndexFields {
    /** Written into every commit's user data; an index with another value is rebuilt. */
    public static final String SCHEMA_VERSION = "2";
    /** The commit user-data key holding {@link #SCHEMA_VERSION}. */
    public static final String SCHEMA_KEY = "labhub.schema";

    /** owner + NUL + path: unique, the key of {@code updateDocument}. */
    public static final String ID = "id";
    public static final String OWNER = "owner";
    public static final String PATH = "path";
    /**
     * owner + NUL + each ancestor folder path, and the item's own path ({@code alice\0proj}, {@code alice\0proj/sub},
     * {@code alice\0proj/sub/a.ipynb}): a share of any folder, and the removal of any subtree, is one term.
     */
    public static final String ANCESTORS = "ancestors";
    public static final String NAME = "name";
    /** The name, lowercased and whole: exact name matches and {@code name_exact:report*}. */
    public static final String NAME_EXACT = "name_exact";
    public static final String TYPE = "type";
    public static final String EXT = "ext";
    public static final String LANG = "lang";
    public static final String SIZE = "size";
    public static final String MODIFIED = "modified";
    public static final String FINGERPRINT = "fingerprint";
    public static final String TITLE = "title";
    public static final String CONTENT = "content";
    public static final String CELLS = "cells";

    /** The values of {@link #TYPE}. */
    public static final String NOTEBOOK = "notebook";
    public static final String TEXT = "text";
    public static final String OTHER = "other";

    /** Analysed, stored, with offsets in the postings so the highlighter needs no re-analysis. */
    private static final FieldType STORED_TEXT_WITH_OFFSETS = new FieldType(TextField.TYPE_STORED);

    static {
        STORED_TEXT_WITH_OFFSETS.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
        STORED_TEXT_WITH_OFFSETS.freeze();
    }

    private IndexFields() {}

    public static String id(Location at) {
        return at.owner() + "\0" + at.path();
    }

    public static Term idTerm(Location at) {
        return new Term(ID, id(at));
    }

    /** The term every document at or under {@code item} carries. */
    public static Term ancestorTerm(Location item) {
        return new Term(ANCESTORS, id(item));
    }

    /** "notebook", "text" or "other", from the name and (for text) what the first bytes look like. */
    public static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot <= 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** What was read from a file: its title, searchable text, kernel language and cell count (notebooks). */
    public record Extract(String type, String title, String content, String language, int cells) {
        static Extract metadataOnly(String type, String name) {
            return new Extract(type, name, "", "", 0);
        }
    }

    static Document document(Location file, Entry entry, Extract x) {
        RelPath path = file.path();
        String name = path.name();
        Document d = new Document();
        d.add(new StringField(ID, id(file), Field.Store.NO));
        d.add(keyword(OWNER, file.owner()));
        d.add(new StoredField(PATH, path.toString()));
        d.add(shown(PATH, path.toString()));
        for (String a : ancestors(file)) {
            d.add(new StringField(ANCESTORS, a, Field.Store.NO));
        }
        d.add(new TextField(NAME, name, Field.Store.YES));
        d.add(new StringField(NAME_EXACT, name.toLowerCase(Locale.ROOT), Field.Store.NO));
        d.add(keyword(TYPE, x.type()));
        String ext = extension(name);
        if (!ext.isEmpty()) {
            d.add(keyword(EXT, ext));
        }
        if (!x.language().isEmpty()) {
            d.add(keyword(LANG, x.language().toLowerCase(Locale.ROOT)));
        }
        d.add(new StoredField(SIZE, entry.size()));
        d.add(new NumericDocValuesField(SIZE, entry.size()));
        long modified = entry.modified().toEpochMilli();
        d.add(new LongPoint(MODIFIED, modified));
        d.add(new NumericDocValuesField(MODIFIED, modified));
        d.add(new StoredField(MODIFIED, modified));
        d.add(new StoredField(FINGERPRINT, entry.etag()));
        d.add(shown(FINGERPRINT, entry.etag()));
        d.add(new Field(TITLE, x.title(), STORED_TEXT_WITH_OFFSETS));
        d.add(shown(TITLE, x.title()));
        if (!x.content().isEmpty()) {
            d.add(new Field(CONTENT, x.content(), STORED_TEXT_WITH_OFFSETS));
        }
        if (x.type().equals(NOTEBOOK)) {
            d.add(new StoredField(CELLS, x.cells()));
            d.add(new NumericDocValuesField(CELLS, x.cells()));
        }
        return d;
    }

    /**
     * A value a result shows (or the reconcile compares), also kept as a doc value: reading it then costs a seek in a
     * small column, where a stored field means decompressing the whole document, content and all.
     */
    private static BinaryDocValuesField shown(String field, String value) {
        return new BinaryDocValuesField(field, new BytesRef(value));
    }

    /** A facet value: searchable as one term, stored, and counted from (sorted-set) doc values. */
    private static KeywordField keyword(String field, String value) {
        return new KeywordField(field, value, Field.Store.YES);
    }

    static List<String> ancestors(Location file) {
        List<String> all = new ArrayList<>();
        RelPath p = RelPath.ROOT;
        for (String n : file.path().names()) {
            p = p.child(n);
            all.add(file.owner() + "\0" + p);
        }
        return all;
    }
}
