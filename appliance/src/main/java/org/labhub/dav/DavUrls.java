package org.labhub.dav;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.labhub.storage.RelPath;
import org.labhub.web.HttpError;
import org.labhub.web.PercentDecoding;

/**
 * Reads URLs that clients put in headers ({@code Destination}, tagged {@code If} lists): absolute or
 * absolute-path, on this hub, under {@code /dav/}; percent-decoded as strict UTF-8 (overlong forms refused) and
 * checked as a {@link RelPath}, exactly like the request's own path.
 */
final class DavUrls {
    private DavUrls() {}

    /** A user and path named by a URL. */
    record Named(String user, RelPath path) {}

    /** 502 for a URL on another server or outside {@code /dav/} (RFC 4918 §9.8.5), 400 for a malformed or unsafe one. */
    static Named parse(String url, String ownOrigin) {
        String rawPath = rawPath(url, ownOrigin);
        if (!rawPath.startsWith("/dav/")) {
            throw new HttpError(502, "bad_gateway", "the destination is not under /dav/");
        }
        String rest = rawPath.substring("/dav/".length());
        int slash = rest.indexOf('/');
        String user = PercentDecoding.strict(slash < 0 ? rest : rest.substring(0, slash));
        String path = slash < 0 ? "" : PercentDecoding.strict(rest.substring(slash + 1));
        try {
            RelPath.checkName(user);
            return new Named(user, RelPath.parse(path));
        } catch (RelPath.BadPath e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    /** The path a URL names under {@code prefix} (a link's {@code /s/<token>/dav/}); 502 for one outside it. */
    static RelPath parseUnder(String url, String ownOrigin, String prefix) {
        String rawPath = rawPath(url, ownOrigin);
        if (!(rawPath + "/").startsWith(prefix)) {
            throw new HttpError(502, "bad_gateway", "the destination is not under " + prefix);
        }
        String rest = rawPath.length() <= prefix.length() ? "" : rawPath.substring(prefix.length());
        try {
            return RelPath.parse(PercentDecoding.strict(rest));
        } catch (RelPath.BadPath e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    /** The raw (still encoded) path of an absolute URL on this hub or of an absolute path, without its query. */
    private static String rawPath(String url, String ownOrigin) {
        String rawPath;
        if (url.startsWith("/")) {
            rawPath = url;
        } else {
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw HttpError.badRequest("the URL " + url + " is malformed");
            }
            if (uri.getScheme() == null || uri.getRawAuthority() == null) {
                throw HttpError.badRequest("the URL " + url + " is neither absolute nor an absolute path");
            }
            String origin = uri.getScheme() + "://" + uri.getRawAuthority();
            if (!sameOrigin(origin, ownOrigin)) {
                throw new HttpError(502, "bad_gateway", "the destination is on another server");
            }
            rawPath = uri.getRawPath();
        }
        int q = rawPath.indexOf('?');
        return q >= 0 ? rawPath.substring(0, q) : rawPath;
    }

    private static boolean sameOrigin(String a, String b) {
        return normalise(a).equals(normalise(b));
    }

    private static String normalise(String origin) {
        String o = origin.toLowerCase(Locale.ROOT);
        if (o.startsWith("http://") && o.endsWith(":80")) {
            o = o.substring(0, o.length() - 3);
        }
        if (o.startsWith("https://") && o.endsWith(":443")) {
            o = o.substring(0, o.length() - 4);
        }
        return o.replace("://localhost", "://127.0.0.1");
    }

}
