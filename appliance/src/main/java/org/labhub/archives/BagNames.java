package org.labhub.archives;

/**
 * File names in manifests as RFC 8493 (section 2.1.3) writes them: a CR, LF or percent sign in a path is
 * percent-encoded ({@code %0D}, {@code %0A}, {@code %25}), everything else is written as is, in UTF-8.
 */
final class BagNames {
    private BagNames() {}

    static String encode(String path) {
        return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    /** The inverse of {@link #encode}; any other percent sequence is left alone, as the RFC asks readers to do. */
    static String decode(String path) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length()) {
                String code = path.substring(i + 1, i + 3).toUpperCase();
                switch (code) {
                    case "25" -> { out.append('%'); i += 2; continue; }
                    case "0D" -> { out.append('\r'); i += 2; continue; }
                    case "0A" -> { out.append('\n'); i += 2; continue; }
                    default -> { }
                }
            }
            out.append(c);
        }
        return out.toString();
    }
}
