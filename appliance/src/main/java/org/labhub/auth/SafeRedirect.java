package org.labhub.auth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Turns a {@code next=} value into a path on this hub. Anything that could leave the origin
 * ({@code //evil}, {@code https://evil}, {@code /\evil}, encoded variants, {@code javascript:}) becomes {@code /}.
 */
public final class SafeRedirect {
    private SafeRedirect() {}

    public static String target(String next) {
        if (next == null || next.isEmpty() || next.length() > 2000) {
            return "/";
        }
        if (!isLocalPath(next)) {
            return "/";
        }
        // Decode repeatedly: a browser or proxy may decode once more than we do.
        String decoded = next;
        for (int i = 0; i < 3; i++) {
            String d;
            try {
                d = URLDecoder.decode(decoded.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return "/";
            }
            if (!isLocalPath(d)) {
                return "/";
            }
            if (d.equals(decoded)) {
                break;
            }
            decoded = d;
        }
        return next;
    }

    private static boolean isLocalPath(String p) {
        if (!p.startsWith("/") || p.startsWith("//") || p.indexOf('\\') >= 0) {
            return false;
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < 0x21 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
