package org.labhub.shares;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.labhub.testing.TestHub;

/**
 * An anonymous visitor of public links, as a browser (cookies, Origin and the page's CSRF token on writes) or as a
 * WebDAV client (HTTP Basic with the link's password, no cookies). Paths are sent exactly as given, escapes and all.
 */
final class LinkVisitor {
    private static final Pattern PAGE_CSRF = Pattern.compile("(?:name=\"csrf\" value|data-csrf)=\"([^\"]+)\"");

    private final String base;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient browser;
    private final HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private String csrf = "";

    LinkVisitor(TestHub hub) {
        this.base = hub.baseUrl();
        this.browser = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A page or file, as a browser loads it; remembers the page's CSRF token. */
    HttpResponse<String> get(String path) {
        HttpResponse<String> r = send(browser, HttpRequest.newBuilder(uri(path)).GET(), Map.of());
        Matcher m = PAGE_CSRF.matcher(r.body());
        if (m.find()) {
            csrf = m.group(1);
        }
        return r;
    }

    /** The password form, posted with the page's token and this hub's Origin. */
    HttpResponse<String> unlock(String token, String password) {
        if (csrf.isEmpty()) {
            get("/s/" + token);
        }
        String body = "csrf=" + enc(csrf) + "&next=" + enc("/s/" + token) + "&password=" + enc(password);
        return send(browser, HttpRequest.newBuilder(uri("/s/" + token)).POST(HttpRequest.BodyPublishers.ofString(body)),
                Map.of("Content-Type", "application/x-www-form-urlencoded", "Origin", base));
    }

    /** A write from the page's script: Origin and the page's CSRF token, with the browser's cookies. */
    HttpResponse<String> write(String method, String path, byte[] body, String contentType) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Origin", base);
        h.put("X-CSRF-Token", csrf);
        if (contentType != null) {
            h.put("Content-Type", contentType);
        }
        return send(browser, HttpRequest.newBuilder(uri(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body)), h);
    }

    HttpResponse<String> put(String path, String content) {
        return write("PUT", path, content.getBytes(StandardCharsets.UTF_8), "application/octet-stream");
    }

    /** A WebDAV call without cookies; {@code password} null for none, else Basic with an arbitrary user name. */
    HttpResponse<String> dav(String method, String path, String password, String body, Map<String, String> headers) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        if (password != null) {
            h.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(("anyone:" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return send(plain, HttpRequest.newBuilder(uri(path)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)), h);
    }

    HttpResponse<byte[]> getBytes(String path) {
        try {
            return browser.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    String cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).map(HttpCookie::getValue)
                .findFirst().orElse(null);
    }

    /** Plants a cookie for a path, as a browser holding it there would send it. */
    void plantCookie(String name, String value, String path) {
        HttpCookie c = new HttpCookie(name, value);
        c.setPath(path);
        c.setVersion(0);
        cookies.getCookieStore().add(URI.create(base), c);
    }

    private HttpResponse<String> send(HttpClient http, HttpRequest.Builder b, Map<String, String> headers) {
        headers.forEach(b::header);
        try {
            return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("request failed: " + e, e);
        }
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
