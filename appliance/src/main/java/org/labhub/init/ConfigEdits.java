package org.labhub.init;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Sets keys in a TOML config file while keeping everything else in it: comments, order, other keys. A key is
 * written as {@code key = value} under its {@code [section]}: an existing line for it is replaced (a comment at the
 * end of that line goes with it), a missing one is added at the end of its section, a missing section at the end.
 * An empty value removes the line. Keys written another way (dotted at the top, inline tables) are not found; the
 * caller loads the result and refuses it if it no longer parses.
 */
final class ConfigEdits {
    private static final Pattern SECTION = Pattern.compile("^\\s*\\[([A-Za-z0-9_.-]+)\\]\\s*(#.*)?$");

    private final Map<String, Optional<String>> changes = new LinkedHashMap<>();
    /** What the last {@link #applyTo} changed, as {@code key = value} or {@code key removed}. */
    private final List<String> changed = new ArrayList<>();

    /** Sets {@code section.key} to the TOML value {@code tomlValue} (already quoted when a string). */
    ConfigEdits set(String section, String key, String tomlValue) {
        changes.put(section + "." + key, Optional.of(tomlValue));
        return this;
    }

    ConfigEdits remove(String section, String key) {
        changes.put(section + "." + key, Optional.empty());
        return this;
    }

    /** A TOML basic string. */
    static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The file's new text; equal to {@code text} when nothing changes. */
    String applyTo(String text) {
        changed.clear();
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        for (var change : changes.entrySet()) {
            String full = change.getKey();
            int dot = full.lastIndexOf('.');
            if (apply(lines, full.substring(0, dot), full.substring(dot + 1), change.getValue())) {
                changed.add(change.getValue().map(v -> full + " = " + v).orElse(full + " removed"));
            }
        }
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }

    List<String> changed() {
        return List.copyOf(changed);
    }

    /** True when the lines changed. */
    private static boolean apply(List<String> lines, String section, String key, Optional<String> value) {
        Pattern keyLine = Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*=.*$");
        int start = -1;
        int end = lines.size();
        for (int i = 0; i < lines.size(); i++) {
            var m = SECTION.matcher(lines.get(i));
            if (m.matches()) {
                if (start >= 0) {
                    end = i;
                    break;
                }
                if (m.group(1).equals(section)) {
                    start = i;
                }
            }
        }
        String wanted = value.map(v -> key + " = " + v).orElse(null);
        if (start < 0) {
            if (wanted != null) {
                if (!lines.isEmpty() && !lines.get(lines.size() - 1).isBlank()) {
                    lines.add("");
                }
                lines.add("[" + section + "]");
                lines.add(wanted);
                return true;
            }
            return false;
        }
        for (int i = start + 1; i < end; i++) {
            if (keyLine.matcher(lines.get(i)).matches()) {
                if (wanted == null) {
                    lines.remove(i);
                    return true;
                } else if (!Pattern.compile("^\\s*" + Pattern.quote(key) + "\\s*=\\s*" + Pattern.quote(value.get()) + "\\s*(#.*)?$")
                        .matcher(lines.get(i)).matches()) {
                    // Only a different value is rewritten, so an unchanged line keeps its comment.
                    lines.set(i, wanted);
                    return true;
                }
                return false;
            }
        }
        if (wanted != null) {
            int at = end;
            while (at > start + 1 && lines.get(at - 1).isBlank()) {
                at--;
            }
            lines.add(at, wanted);
            return true;
        }
        return false;
    }
}
