package org.labhub.runs;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Papermill-style parameters: a code cell tagged {@code injected-parameters} goes right after the cell tagged
 * {@code parameters} (or first, when none is tagged), assigning each value. Values never become code: each line is
 * {@code name = json.loads("<the value's JSON as a Python string literal>")}, and the literal is written with
 * ASCII-only escapes, so quotes, backslashes and newlines in a value stay data.
 */
public final class Parameters {
    public static final String TAG = "parameters";
    public static final String INJECTED_TAG = "injected-parameters";
    private static final Set<String> KEYWORDS = Set.of("False", "None", "True", "and", "as", "assert", "async", "await",
            "break", "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if",
            "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
            "yield");
    private static final int MAX_NAME = 100;

    private Parameters() {}

    /** Refuses names that are not plain Python identifiers (ASCII), or are keywords, saying which. */
    public static void checkNames(Map<String, Object> parameters) {
        for (String name : parameters.keySet()) {
            if (name.length() > MAX_NAME || !name.matches("[A-Za-z_][A-Za-z0-9_]*") || KEYWORDS.contains(name)
                    || name.startsWith("__labhub")) {
                throw new IllegalArgumentException("parameter \"" + abbreviate(name) + "\" is not a Python variable name "
                        + "(letters, digits and _, not starting with a digit, not a keyword)");
            }
        }
    }

    /**
     * Adds the parameters cell to a notebook (nbformat 4 JSON), replacing one injected before; with no parameters the
     * notebook is left as it is. Returns the index the injected cell got, or -1.
     */
    public static int inject(ObjectNode notebook, Map<String, Object> parameters) {
        checkNames(parameters);
        if (parameters.isEmpty()) {
            return -1;
        }
        JsonNode cellsNode = notebook.get("cells");
        if (!(cellsNode instanceof ArrayNode cells)) {
            throw new IllegalArgumentException("the notebook has no list of cells");
        }
        for (int i = cells.size() - 1; i >= 0; i--) {
            if (hasTag(cells.get(i), INJECTED_TAG)) {
                cells.remove(i);
            }
        }
        int at = 0;
        for (int i = 0; i < cells.size(); i++) {
            if (hasTag(cells.get(i), TAG)) {
                at = i + 1;
                break;
            }
        }
        ObjectNode cell = Json.MAPPER.createObjectNode();
        cell.put("cell_type", "code");
        cell.putNull("execution_count");
        if (notebook.path("nbformat").asInt() == 4 && notebook.path("nbformat_minor").asInt() >= 5) {
            cell.put("id", INJECTED_TAG); // cell ids exist from nbformat 4.5 on; any removed one made room for this
        }
        cell.putObject("metadata").putArray("tags").add(INJECTED_TAG);
        cell.putArray("outputs");
        ArrayNode source = cell.putArray("source");
        List<String> lines = sourceLines(parameters);
        for (int i = 0; i < lines.size(); i++) {
            source.add(lines.get(i) + (i < lines.size() - 1 ? "\n" : ""));
        }
        cells.insert(at, cell);
        return at;
    }

    /** The injected cell's code, line by line. */
    static List<String> sourceLines(Map<String, Object> parameters) {
        List<String> lines = new java.util.ArrayList<>();
        lines.add("# Parameters injected by labhub");
        lines.add("import json as __labhub_json");
        parameters.forEach((name, value) -> lines.add(name + " = __labhub_json.loads(" + pythonString(Json.MAPPER.writeValueAsString(value)) + ")"));
        lines.add("del __labhub_json");
        return lines;
    }

    /** A Python string literal holding exactly {@code text}, in printable ASCII (every other character escaped). */
    static String pythonString(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        text.codePoints().forEach(cp -> {
            if (cp == '"' || cp == '\\') {
                out.append('\\').append((char) cp);
            } else if (cp >= 0x20 && cp < 0x7f) {
                out.append((char) cp);
            } else if (cp <= 0xffff) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.append(String.format("\\U%08x", cp));
            }
        });
        return out.append('"').toString();
    }

    private static boolean hasTag(JsonNode cell, String tag) {
        for (JsonNode t : cell.path("metadata").path("tags")) {
            if (tag.equals(t.asString())) {
                return true;
            }
        }
        return false;
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
