package org.labhub.files;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.labhub.web.Exchange;

/**
 * How users' files are served from the hub's origin, where a file that a browser runs could act as the user:
 * never sniffed, sandboxed by CSP, and downloaded (not shown) unless its type is on a short list of images
 * and plain text.
 */
public final class SafeContent {
    static final String SANDBOX = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";

    private static final Map<String, String> INLINE = Map.ofEntries(
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"));
    private static final java.util.Set<String> TEXT = java.util.Set.of("txt", "text", "csv", "tsv", "md", "py", "r", "jl",
            "json", "ipynb", "log", "yaml", "yml", "toml", "ini", "cfg", "sh", "c", "h", "cpp", "java", "tex", "sql");

    private SafeContent() {}

    public static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    public static boolean isImage(String name) {
        return INLINE.containsKey(extension(name));
    }

    public static boolean isText(String name) {
        return TEXT.contains(extension(name));
    }

    /** The type the file is served as: an allow-listed image, plain text, or opaque bytes. */
    public static String contentType(String name) {
        String ext = extension(name);
        if (INLINE.containsKey(ext)) {
            return INLINE.get(ext);
        }
        return TEXT.contains(ext) ? "text/plain;charset=utf-8" : "application/octet-stream";
    }

    /** Sets the headers every file response carries; {@code download} forces an attachment even for images and text. */
    public static void headers(Exchange ex, String name, boolean download) {
        String ext = extension(name);
        boolean inline = !download && (INLINE.containsKey(ext) || TEXT.contains(ext));
        ex.setHeader("X-Content-Type-Options", "nosniff");
        ex.setHeader("Content-Security-Policy", SANDBOX);
        ex.setHeader("Content-Disposition", disposition(inline ? "inline" : "attachment", name));
        ex.setHeader("Cache-Control", "private, no-cache");
    }

    /** RFC 6266: an ASCII fallback name and the real one as UTF-8. */
    static String disposition(String kind, String name) {
        String ascii = name.replaceAll("[^\\x20-\\x7e]|[\"\\\\]", "_");
        String utf8 = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        return kind + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + utf8;
    }
}
