package org.labhub.files;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.Link;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.commonmark.renderer.html.UrlSanitizer;

/**
 * Markdown cells of notebooks as HTML for the hub's own pages (file previews, archive pages), with CommonMark and
 * GitHub's tables. What a notebook's author writes must never run as the viewer: raw HTML is shown as text, links
 * go only to http, https, mailto or relative addresses (and open with {@code rel="nofollow noopener noreferrer"}),
 * images only from relative addresses or as PNG, JPEG, GIF or WebP {@code data:} URLs. The pages' CSP
 * ({@code script-src 'self'}, {@code img-src 'self' data:}) stands behind this.
 */
public final class Markdown {
    private static final List<org.commonmark.Extension> EXTENSIONS = List.of(TablesExtension.create());
    private static final Parser PARSER = Parser.builder().extensions(EXTENSIONS).build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().extensions(EXTENSIONS)
            .escapeHtml(true)
            .sanitizeUrls(true)
            .urlSanitizer(new Sanitizer())
            .attributeProviderFactory(context -> (node, tag, attributes) -> {
                if (node instanceof Link) {
                    attributes.put("rel", "nofollow noopener noreferrer");
                }
            })
            .build();

    private Markdown() {}

    public static String toHtml(String markdown) {
        return RENDERER.render(PARSER.parse(markdown));
    }

    /** Keeps an address only when its scheme is one we allow; browsers ignore spaces and controls in schemes, so we do too. */
    static final class Sanitizer implements UrlSanitizer {
        private static final Pattern SCHEME = Pattern.compile("^([a-z][a-z0-9+.-]*):");
        private static final Pattern IMAGE_DATA = Pattern.compile("^data:image/(png|jpeg|gif|webp)[;,].*", Pattern.DOTALL);

        @Override
        public String sanitizeLinkUrl(String url) {
            String scheme = scheme(url);
            return scheme.isEmpty() || scheme.equals("http") || scheme.equals("https") || scheme.equals("mailto") ? url : "";
        }

        @Override
        public String sanitizeImageUrl(String url) {
            String scheme = scheme(url);
            if (scheme.isEmpty()) {
                return url;
            }
            return scheme.equals("data") && IMAGE_DATA.matcher(compact(url)).matches() ? url : "";
        }

        private static String scheme(String url) {
            var m = SCHEME.matcher(compact(url));
            return m.find() ? m.group(1) : "";
        }

        private static String compact(String url) {
            return url.replaceAll("[\\x00-\\x20\\x7f]", "").toLowerCase(Locale.ROOT);
        }
    }
}
