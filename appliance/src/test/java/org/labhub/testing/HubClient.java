package org.labhub.testing;

import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * An HTTP client that behaves like a browser towards the hub: it keeps cookies, sends its Origin on
 * state-changing requests, echoes the page's CSRF token in forms, and does not follow redirects.
 */
public final class HubClient {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final String base;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient http;
    private String csrf = "";
    private String token;

    public HubClient(String base) {
        this(base, null);
    }

    /** A client for an HTTPS hub that trusts what {@code tls} trusts (null: the JDK's default trust). */
    public HubClient(String base, SSLContext tls) {
        this.base = base;
        HttpClient.Builder b = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10));
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
    }

    public String base() { return base; }

    /** Use this API token on every request from now on (Authorization: token …). */
    public HubClient withToken(String t) {
        this.token = t;
        return this;
    }

    public Res get(String path) {
        Res r = send(HttpRequest.newBuilder(uri(path)).GET(), Map.of());
        r.body().lines().map(CSRF::matcher).filter(Matcher::find).findFirst().ifPresent(m -> csrf = m.group(1));
        return r;
    }

    /** Loads the login page (for its CSRF token) and posts the credentials. */
    public Res login(String name, String password) {
        return login(name, password, "/");
    }

    public Res login(String name, String password, String next) {
        get("/login");
        Res r = form("/login", Map.of("username", name, "password", password, "next", next));
        if (r.status() == 303) {
            get("/account"); // pick up the new session's CSRF token, as the next page view would
        }
        return r;
    }

    /** Posts a form with the last page's CSRF token and this hub's Origin, as a browser would. */
    public Res form(String path, Map<String, String> fields) {
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.putIfAbsent("csrf", csrf);
        return formRaw(path, all, Map.of("Origin", base));
    }

    /** Posts a form exactly as given: no token added, only the headers named. */
    public Res formRaw(String path, Map<String, String> fields, Map<String, String> headers) {
        String body = fields.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put("Content-Type", "application/x-www-form-urlencoded");
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body)), h);
    }

    /** A JSON API call (with the token if one is set). */
    public Res api(String method, String path, String json) {
        HttpRequest.BodyPublisher body = json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json);
        Map<String, String> h = new LinkedHashMap<>();
        if (json != null) {
            h.put("Content-Type", "application/json");
        }
        if (token == null) {
            // A cookie-carried API call, as the hub's own pages would make it.
            h.put("Origin", base);
            h.put("X-CSRF-Token", csrf);
        }
        return send(HttpRequest.newBuilder(uri(path)).method(method, body), h);
    }

    public Res api(String method, String path) {
        return api(method, path, null);
    }

    public Res send(HttpRequest.Builder b, Map<String, String> headers) {
        headers.forEach(b::header);
        if (token != null) {
            b.header("Authorization", "token " + token);
        }
        b.timeout(Duration.ofSeconds(30));
        try {
            return new Res(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (Exception e) {
            throw new IllegalStateException("request to " + b.build().uri() + " failed: " + e, e);
        }
    }

    /** A GET whose body is kept as bytes (downloads, archives); an IOException when the hub breaks the transfer. */
    public HttpResponse<byte[]> getBytes(String path) throws java.io.IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET().timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "token " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /**
     * Opens a WebSocket to {@code path} on this hub with this client's cookies (and token, if set) and the given
     * headers (an Origin, say); fails with the handshake's error when the hub refuses.
     */
    public java.net.http.WebSocket webSocket(String path, Map<String, String> headers, java.net.http.WebSocket.Listener listener)
            throws Exception {
        java.net.http.WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        if (token != null) {
            b.header("Authorization", "token " + token);
        }
        return b.buildAsync(URI.create(base.replaceFirst("^http", "ws") + path), listener).get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** The value of a cookie this client holds, e.g. the session id. */
    public Optional<String> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name))
                .map(HttpCookie::getValue).findFirst();
    }

    /** Replaces a cookie's value (to replay an old session id). */
    public void setCookie(String name, String value) {
        HttpCookie c = new HttpCookie(name, value);
        c.setPath("/");
        c.setVersion(0);
        cookies.getCookieStore().add(URI.create(base), c);
    }

    public void clearCookies() {
        cookies.getCookieStore().removeAll();
    }

    public String csrf() {
        return csrf;
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A response with assertions that print the body when they fail. */
    public record Res(HttpResponse<String> raw) {
        public int status() { return raw.statusCode(); }
        public String body() { return raw.body(); }
        public Optional<String> header(String name) { return raw.headers().firstValue(name); }
        public String location() { return header("Location").orElse(""); }

        public Res expectStatus(int expected) {
            if (raw.statusCode() != expected) {
                throw new AssertionError(raw.request().method() + " " + raw.uri() + ": expected " + expected + " but got "
                        + raw.statusCode() + " " + raw.headers().firstValue("Location").map(l -> "-> " + l).orElse("")
                        + "\n" + body());
            }
            return this;
        }

        /** A field of a JSON object body. */
        public String json(String field) {
            return org.labhub.web.Json.MAPPER.readTree(body()).path(field).asString();
        }
    }
}
