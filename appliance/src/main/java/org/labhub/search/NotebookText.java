package org.labhub.search;

import java.io.InputStream;
import java.util.Locale;
import org.labhub.search.IndexFields.Extract;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The searchable text of a Jupyter notebook (nbformat 4): markdown and code cells, plain-text outputs (streams,
 * {@code text/plain} results, error names and values; never images or HTML), the kernel language, the cell count
 * and a title (the metadata's, else the first markdown heading). Cells are read one at a time from a stream, so
 * memory stays bounded by the largest cell, and the parser refuses absurd nesting. Whatever goes wrong, the result is
 * an extract (metadata only for a notebook that cannot be read): indexing never fails because of a file's content.
 */
public final class NotebookText {
    /** Deeper JSON than this is not a notebook anyone wrote; refusing it bounds the parser's recursion. */
    static final int MAX_DEPTH = 100;
    /** Cells beyond this are not read (a generated notebook with millions of empty cells). */
    static final int MAX_CELLS = 100_000;

    private final JsonMapper mapper;
    private final int maxChars;

    /**
     * @param maxChars text kept per notebook (the rest is not searchable)
     * @param maxBytes the largest notebook that is read at all (also the longest JSON string accepted)
     */
    public NotebookText(int maxChars, int maxBytes) {
        this.maxChars = maxChars;
        StreamReadConstraints limits = StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH)
                .maxStringLength(maxBytes).maxDocumentLength(maxBytes).build();
        this.mapper = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(limits).build()).build();
    }

    /** Reads the notebook; {@code name} is the file name (the title when nothing better is found). */
    public Extract extract(String name, InputStream json) {
        Text text = new Text(maxChars);
        String heading = "";
        int cells = 0;
        JsonNode metadata = null;
        try (JsonParser p = mapper.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Extract.metadataOnly(IndexFields.NOTEBOOK, name);
            }
            while (p.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("cells") && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        JsonNode cell = p.readValueAsTree();
                        if (++cells <= MAX_CELLS) {
                            String found = cell(cell, text);
                            if (heading.isEmpty()) {
                                heading = found;
                            }
                        }
                    }
                } else if (field.equals("metadata") && value == JsonToken.START_OBJECT) {
                    metadata = p.readValueAsTree();
                } else {
                    p.skipChildren();
                }
            }
        } catch (RuntimeException | StackOverflowError e) {
            // Broken, truncated or hostile JSON (Jackson's errors are unchecked): the file is still findable by name.
            return Extract.metadataOnly(IndexFields.NOTEBOOK, name);
        } catch (Exception e) {
            return Extract.metadataOnly(IndexFields.NOTEBOOK, name);
        }
        String title = metadata == null ? "" : clean(metadata.path("title").asString(""));
        if (title.isEmpty()) {
            title = heading.isEmpty() ? name : heading;
        }
        return new Extract(IndexFields.NOTEBOOK, title, text.toString(), language(metadata), cells);
    }

    static String language(JsonNode metadata) {
        if (metadata == null) {
            return "";
        }
        String lang = metadata.path("kernelspec").path("language").asString("");
        if (lang.isBlank()) {
            lang = metadata.path("language_info").path("name").asString("");
        }
        lang = lang.trim().toLowerCase(Locale.ROOT);
        // A facet value, not free text: anything odd is dropped rather than indexed.
        return lang.matches("[a-z0-9+#._-]{1,40}") ? lang : "";
    }

    /** Adds one cell's text; returns its first markdown heading ("" if none). */
    private static String cell(JsonNode cell, Text text) {
        String kind = cell.path("cell_type").asString("");
        String source = source(cell.path("source"));
        text.add(source);
        if (kind.equals("code")) {
            for (JsonNode o : cell.path("outputs")) {
                switch (o.path("output_type").asString("")) {
                    case "stream" -> text.add(source(o.path("text")));
                    case "execute_result", "display_data" -> text.add(source(o.path("data").path("text/plain")));
                    case "error" -> text.add(o.path("ename").asString("") + ": " + o.path("evalue").asString(""));
                    default -> { }
                }
            }
        }
        return kind.equals("markdown") ? heading(source) : "";
    }

    /** nbformat allows a string or a list of strings (lines) wherever text is stored. */
    static String source(JsonNode node) {
        if (node.isString()) {
            return node.asString();
        }
        if (node.isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode line : node) {
                if (line.isString()) {
                    b.append(line.asString());
                }
            }
            return b.toString();
        }
        return "";
    }

    private static String heading(String markdown) {
        for (String line : markdown.split("\n", 200)) {
            String l = line.strip();
            if (l.startsWith("#")) {
                return clean(l.replaceFirst("^#+", ""));
            }
        }
        return "";
    }

    private static String clean(String title) {
        String t = title.strip();
        return t.length() > 300 ? t.substring(0, 300) : t;
    }

    /** The text collected so far, stopping at the cap. */
    static final class Text {
        private final StringBuilder b = new StringBuilder();
        private final int max;

        Text(int max) {
            this.max = max;
        }

        void add(String s) {
            if (s.isEmpty() || b.length() >= max) {
                return;
            }
            if (b.length() > 0) {
                b.append("\n\n");
            }
            int room = max - b.length();
            b.append(s, 0, Math.max(0, Math.min(room, s.length())));
        }

        @Override
        public String toString() {
            return b.toString();
        }
    }
}
