package org.labhub.archives;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Compares a re-executed notebook with its archived copy, cell by cell: what a reproducibility report says. Only
 * outputs count (execution counts, metadata and timings do not): text is compared as text (a unified diff when it
 * differs), images by the hash of their bytes, and, with a tolerance, numbers inside text count as equal when
 * their relative difference is within it. A cell whose new run raised is "errored", whatever the archive had.
 */
public final class NotebookDiff {
    private static final Pattern NUMBER = Pattern.compile("[-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?");
    /** Lines of a side beyond this are not diffed line by line (the cell is still "differs"). */
    private static final int MAX_DIFF_LINES = 2000;

    private NotebookDiff() {}

    public enum Status { IDENTICAL, DIFFERS, ERRORED }

    /** One code cell: its index among all cells, what happened, a unified diff when it differs, the error when it errored. */
    public record CellResult(int index, Status status, String diff, String error) {}

    /**
     * @param tolerance relative tolerance for numbers in text outputs, or empty to compare text exactly
     */
    public static List<CellResult> compare(JsonNode archived, JsonNode rerun, Optional<Double> tolerance) {
        List<JsonNode> a = cells(archived);
        List<JsonNode> b = cells(rerun);
        List<CellResult> out = new ArrayList<>();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            JsonNode ca = i < a.size() ? a.get(i) : null;
            JsonNode cb = i < b.size() ? b.get(i) : null;
            if (ca != null && cb != null && !"code".equals(ca.path("cell_type").asString("")) && !"code".equals(cb.path("cell_type").asString(""))) {
                continue;
            }
            if (cb == null) {
                out.add(new CellResult(i, Status.DIFFERS, "the re-run has no cell " + i, ""));
                continue;
            }
            Optional<String> error = error(cb);
            if (error.isPresent()) {
                out.add(new CellResult(i, Status.ERRORED, "", error.get()));
                continue;
            }
            String left = ca == null ? "" : rendered(ca);
            String right = rendered(cb);
            boolean same = left.equals(right) || tolerance.map(t -> withinTolerance(left, right, t)).orElse(false);
            out.add(same ? new CellResult(i, Status.IDENTICAL, "", "")
                    : new CellResult(i, Status.DIFFERS, unifiedDiff(left, right, "archived", "re-run"), ""));
        }
        return out;
    }

    private static List<JsonNode> cells(JsonNode nb) {
        List<JsonNode> out = new ArrayList<>();
        nb.path("cells").forEach(out::add);
        return out;
    }

    /** The error the cell raised in this run, as "Name: value". */
    private static Optional<String> error(JsonNode cell) {
        for (JsonNode o : cell.path("outputs")) {
            if ("error".equals(o.path("output_type").asString(""))) {
                return Optional.of(o.path("ename").asString("") + ": " + o.path("evalue").asString(""));
            }
        }
        return Optional.empty();
    }

    /**
     * A cell's outputs as one text: streams by name, rich outputs by MIME type — text as text, anything binary
     * (images) as the SHA-256 of its bytes — so comparing two texts compares every output.
     */
    static String rendered(JsonNode cell) {
        StringBuilder b = new StringBuilder();
        for (JsonNode o : cell.path("outputs")) {
            String type = o.path("output_type").asString("");
            switch (type) {
                case "stream" -> b.append("[").append(o.path("name").asString("stdout")).append("]\n").append(text(o.path("text")));
                case "error" -> b.append("[error]\n").append(o.path("ename").asString("")).append(": ").append(o.path("evalue").asString(""));
                default -> {
                    JsonNode data = o.path("data");
                    for (var name : data.propertyNames()) {
                        String mime = name;
                        if (mime.startsWith("image/") && !mime.equals("image/svg+xml")) {
                            String bytes = text(data.path(mime)).replaceAll("\\s", "");
                            b.append("[").append(mime).append("] sha256:")
                                    .append(Checksums.hex(ArchiveId.sha256(bytes.getBytes(StandardCharsets.US_ASCII))));
                        } else {
                            b.append("[").append(mime).append("]\n").append(text(data.path(mime)));
                        }
                        b.append('\n');
                    }
                }
            }
            if (b.length() > 0 && b.charAt(b.length() - 1) != '\n') {
                b.append('\n');
            }
        }
        return b.toString();
    }

    /** Notebook text is a string or a list of lines. */
    private static String text(JsonNode node) {
        if (node.isArray()) {
            StringBuilder b = new StringBuilder();
            node.forEach(n -> b.append(n.asString("")));
            return b.toString();
        }
        return node.isString() ? node.asString() : node.toString();
    }

    /** Same text once every number is taken out, and each pair of numbers within {@code tolerance} of each other. */
    static boolean withinTolerance(String a, String b, double tolerance) {
        Matcher ma = NUMBER.matcher(a);
        Matcher mb = NUMBER.matcher(b);
        if (!ma.replaceAll("#").equals(mb.replaceAll("#"))) {
            return false;
        }
        ma.reset();
        mb.reset();
        while (ma.find()) {
            if (!mb.find()) {
                return false;
            }
            double x = Double.parseDouble(ma.group());
            double y = Double.parseDouble(mb.group());
            double scale = Math.max(Math.abs(x), Math.abs(y));
            if (x != y && Math.abs(x - y) > tolerance * scale) {
                return false;
            }
        }
        return !mb.find();
    }

    /** A unified diff (one hunk per change, three lines of context) of two texts, line by line. */
    static String unifiedDiff(String a, String b, String nameA, String nameB) {
        List<String> x = List.of(a.split("\n", -1));
        List<String> y = List.of(b.split("\n", -1));
        StringBuilder out = new StringBuilder("--- " + nameA + "\n+++ " + nameB + "\n");
        if (x.size() > MAX_DIFF_LINES || y.size() > MAX_DIFF_LINES) {
            return out.append("@@ the outputs have more than ").append(MAX_DIFF_LINES).append(" lines and differ @@\n").toString();
        }
        // Longest common subsequence table, then a walk that emits ' ', '-' and '+' lines.
        int[][] lcs = new int[x.size() + 1][y.size() + 1];
        for (int i = x.size() - 1; i >= 0; i--) {
            for (int j = y.size() - 1; j >= 0; j--) {
                lcs[i][j] = x.get(i).equals(y.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> lines = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < x.size() || j < y.size()) {
            if (i < x.size() && j < y.size() && x.get(i).equals(y.get(j))) {
                lines.add(" " + x.get(i++));
                j++;
            } else if (i < x.size() && (j == y.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                lines.add("-" + x.get(i++));
            } else {
                lines.add("+" + y.get(j++));
            }
        }
        hunks(lines, out);
        return out.toString();
    }

    private static void hunks(List<String> lines, StringBuilder out) {
        int context = 3;
        int n = lines.size();
        int k = 0;
        while (k < n) {
            while (k < n && lines.get(k).startsWith(" ")) {
                k++;
            }
            if (k == n) {
                break;
            }
            int start = Math.max(0, k - context);
            int end = k;
            int quiet = 0;
            while (end < n && quiet <= 2 * context) {
                quiet = lines.get(end).startsWith(" ") ? quiet + 1 : 0;
                end++;
            }
            end = Math.min(n, end - Math.max(0, quiet - context));
            int oldStart = 1;
            int newStart = 1;
            for (int m = 0; m < start; m++) {
                if (!lines.get(m).startsWith("+")) oldStart++;
                if (!lines.get(m).startsWith("-")) newStart++;
            }
            int oldLen = 0;
            int newLen = 0;
            for (int m = start; m < end; m++) {
                if (!lines.get(m).startsWith("+")) oldLen++;
                if (!lines.get(m).startsWith("-")) newLen++;
            }
            out.append("@@ -").append(oldStart).append(',').append(oldLen).append(" +").append(newStart).append(',').append(newLen).append(" @@\n");
            for (int m = start; m < end; m++) {
                out.append(lines.get(m)).append('\n');
            }
            k = end;
        }
    }
}
