package org.labhub.archives;

/**
 * The rule every path inside an archive must pass, whether it comes from a tar entry or a manifest line: relative,
 * '/'-separated, no empty, {@code .} or {@code ..} segment, no backslash, no NUL or other control character but the
 * CR and LF that RFC 8493 allows (percent-encoded in manifests), at most 4096 bytes and 64 levels deep.
 */
final class SafeNames {
    private SafeNames() {}

    /** What is wrong with {@code path}, or "" when nothing is. */
    static String problem(String path) {
        if (path.isEmpty()) {
            return "an empty name";
        }
        if (path.startsWith("/")) {
            return "an absolute path (" + shown(path) + ")";
        }
        if (path.indexOf('\\') >= 0) {
            return "a backslash in a name (" + shown(path) + ")";
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == 0) {
                return "a NUL character in a name (" + shown(path) + ")";
            }
            if (c < 0x20 && c != '\r' && c != '\n' || c == 0x7f) {
                return "a control character in a name (" + shown(path) + ")";
            }
        }
        if (path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 4096) {
            return "a name longer than 4096 bytes";
        }
        String[] segments = path.split("/", -1);
        if (segments.length > 64) {
            return "a path deeper than 64 folders";
        }
        for (String s : segments) {
            if (s.equals("..")) {
                return "a path that climbs out with .. (" + shown(path) + ")";
            }
            if (s.equals(".") || s.isEmpty()) {
                return "an empty or \".\" segment (" + shown(path) + ")";
            }
            if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
                return "a name longer than 255 bytes";
            }
        }
        return "";
    }

    private static String shown(String path) {
        String p = path.replace("\u0000", "\\0").replace("\r", "\\r").replace("\n", "\\n");
        return p.length() > 200 ? p.substring(0, 200) + "…" : p;
    }
}
