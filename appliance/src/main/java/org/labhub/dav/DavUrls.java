package org.labhub.dav;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.io.ByteArrayOutputStream;
import java.util.Locale;
import org.labhub.storage.RelPath;
import org.labhub.web.HttpError;

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
        if (q >= 0) {
            rawPath = rawPath.substring(0, q);
        }
        if (!rawPath.startsWith("/dav/")) {
            throw new HttpError(502, "bad_gateway", "the destination is not under /dav/");
        }
        String rest = rawPath.substring("/dav/".length());
        int slash = rest.indexOf('/');
        String user = decode(slash < 0 ? rest : rest.substring(0, slash));
        String path = slash < 0 ? "" : decode(rest.substring(slash + 1));
        try {
            RelPath.checkName(user);
            return new Named(user, RelPath.parse(path));
        } catch (RelPath.BadPath e) {
            throw HttpError.badRequest(e.getMessage());
        }
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

    /** Percent-decodes one path, refusing bytes that are not well-formed UTF-8. */
    static String decode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw HttpError.badRequest("a percent escape in the URL is cut short");
                }
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw HttpError.badRequest("a percent escape in the URL is malformed");
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < raw.length()) {
                    b = raw.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(b);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw HttpError.badRequest("the URL is not valid UTF-8");
        }
    }
}
