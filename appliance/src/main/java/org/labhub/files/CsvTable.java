package org.labhub.files;

import java.util.ArrayList;
import java.util.List;

/**
 * A CSV preview: the first rows of a file parsed by RFC 4180's rules (quoted fields with embedded separators,
 * quotes and newlines). Cells are shown through the template, which escapes them.
 */
public record CsvTable(List<String> header, List<List<String>> rows, boolean truncated) {
    static final int MAX_ROWS = 1000;

    static CsvTable read(String text, char sep, int maxRows) {
        List<List<String>> all = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean truncated = false;
        int i = text.startsWith("\uFEFF") ? 1 : 0;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(c);
                }
            } else if (c == '"' && cell.length() == 0) {
                quoted = true;
            } else if (c == sep) {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                row.add(cell.toString());
                cell.setLength(0);
                all.add(row);
                row = new ArrayList<>();
                if (all.size() > maxRows) {
                    truncated = true;
                    break;
                }
            } else {
                cell.append(c);
            }
        }
        if (!truncated && (cell.length() > 0 || !row.isEmpty())) {
            row.add(cell.toString());
            all.add(row);
        }
        if (all.isEmpty()) {
            return new CsvTable(List.of(), List.of(), false);
        }
        int width = all.stream().mapToInt(List::size).max().orElse(0);
        for (List<String> r : all) {
            while (r.size() < width) {
                r.add("");
            }
        }
        return new CsvTable(all.get(0), all.subList(1, Math.min(all.size(), maxRows + 1)), truncated);
    }
}
