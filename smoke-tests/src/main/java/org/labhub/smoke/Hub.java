package org.labhub.smoke;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import tools.jackson.databind.JsonNode;

/**
 * One actor's conversation with the hub over HTTP: either a browser-like session (cookies, the page's CSRF token
 * echoed, the hub's Origin sent on state-changing requests) or an API token. Redirects are never followed, so a
 * step sees exactly what the hub answered.
 */
final class Hub {
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final Optional<SSLContext> tls;
    private final Deadline deadline;
    private final HttpClient http;
    private final Optional<String> token;
    private String csrf = "";

    private Hub(URI base, Optional<SSLContext> tls, Deadline deadline, Optional<String> token) {
        this.base = base;
        this.tls = tls;
        this.deadline = deadline;
        this.token = token;
        HttpClient.Builder b = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10));
        if (token.isEmpty()) {
            b.cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL));
        }
        tls.ifPresent(b::sslContext);
        this.http = b.build();
    }

    /** A new browser-like actor with no session yet. */
    static Hub browser(URI base, Optional<SSLContext> tls, Deadline deadline) {
        return new Hub(base, tls, deadline, Optional.empty());
    }

    /** A script holding an API token (no cookies). */
    Hub withToken(String apiToken) {
        return new Hub(base, tls, deadline, Optional.of(apiToken));
    }

    /** The hub's origin, as a browser on this URL would send it. */
    String origin() {
        return base.toString();
    }

    Response get(String path) {
        Response r = send(request(path).GET(), Map.of());
        Matcher m = CSRF.matcher(r.body());
        if (m.find()) {
            csrf = m.group(1);
        }
        return r;
    }

    /** The login form as a browser fills it: its page first (for the CSRF token), then the post; 303 on success. */
    Response login(String name, String password) {
        get("/login").expect("load the login page", 200);
        Response r = form("/login", Map.of("username", name, "password", password, "next", "/"));
        if (r.status() == 303) {
            get("/account").expect("open the account page after logging in", 200); // the session's CSRF token
        }
        return r;
    }

    Response form(String path, Map<String, String> fields) {
        Map<String, String> all = new LinkedHashMap<>(fields);
        all.putIfAbsent("csrf", csrf);
        String body = all.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)),
                Map.of("Content-Type", "application/x-www-form-urlencoded", "Origin", origin()));
    }

    /** A JSON API call: with the token, or else with the session's cookie, CSRF token and Origin. */
    Response api(String method, String path, JsonNode json) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Accept", "application/json");
        if (json != null) {
            h.put("Content-Type", "application/json");
        }
        if (token.isEmpty()) {
            h.put("Origin", origin());
            h.put("X-CSRF-Token", csrf);
        }
        HttpRequest.BodyPublisher body = json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json.toString());
        return send(request(path).method(method, body), h);
    }

    Response api(String method, String path) {
        return api(method, path, null);
    }

    /** A raw request with a body (files API PUT, say), with this actor's credentials. */
    Response put(String path, byte[] bytes, String contentType) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", contentType);
        if (token.isEmpty()) {
            h.put("Origin", origin());
            h.put("X-CSRF-Token", csrf);
        }
        return send(request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)), h);
    }

    /**
     * A WebDAV request as sync clients make it: HTTP Basic with the user's name and an app password (API token), on
     * this actor's connection but without its token header (use a token actor: it holds no session cookie either).
     */
    Response dav(String method, String path, String user, String appPassword, byte[] body) {
        return dav(method, path, user, appPassword, body, Map.of());
    }

    Response dav(String method, String path, String user, String appPassword, byte[] body, Map<String, String> headers) {
        String basic = Base64.getEncoder().encodeToString((user + ":" + appPassword).getBytes(StandardCharsets.UTF_8));
        HttpRequest.BodyPublisher p = body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(deadline.cap(REQUEST_TIMEOUT)).method(method, p)
                .header("Authorization", "Basic " + basic);
        headers.forEach(b::header);
        return exchange(b, method, path);
    }

    /** Opens a WebSocket on this hub with this actor's credentials; a refused handshake fails with the hub's status. */
    WebSocket webSocket(String path, WebSocket.Listener listener) {
        // A kernel's channels answer once the new kernel does: seconds here, minutes on an emulated VM.
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(120));
        if (token.isPresent()) {
            b.header("Authorization", "token " + token.get());
        } else {
            b.header("Origin", origin());
        }
        URI uri = URI.create(base.toString().replaceFirst("^http", "ws") + path);
        try {
            return b.buildAsync(uri, listener).get(deadline.cap(Duration.ofSeconds(30)).toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.net.http.WebSocketHandshakeException h) {
                HttpResponse<?> r = h.getResponse();
                String body = r.body() instanceof String s ? s : "";
                throw new StepFailure("WebSocket " + path + " refused: " + r.statusCode() + Response.reasonOf(r.statusCode(), body));
            }
            throw new StepFailure("WebSocket " + path + " failed: " + describe(cause));
        } catch (TimeoutException e) {
            throw new StepFailure("WebSocket " + path + ": no handshake within 30 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted while opening WebSocket " + path);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(deadline.cap(REQUEST_TIMEOUT));
    }

    private Response send(HttpRequest.Builder b, Map<String, String> headers) {
        headers.forEach(b::header);
        token.ifPresent(t -> b.header("Authorization", "token " + t));
        HttpRequest built = b.copy().build();
        return exchange(b, built.method(), built.uri().getRawPath() + (built.uri().getRawQuery() == null ? "" : "?" + built.uri().getRawQuery()));
    }

    private Response exchange(HttpRequest.Builder b, String method, String path) {
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(method, path, r.statusCode(), r.body() == null ? "" : r.body(), r.headers().firstValue("Location").orElse(""));
        } catch (HttpTimeoutException e) {
            throw new StepFailure(method + " " + base + path + ": no answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw new StepFailure(method + " " + base + path + ": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailure("interrupted during " + method + " " + path);
        }
    }

    /** An I/O failure in words: a refused connection said plainly, else the innermost cause (certificate, reset …). */
    static String describe(Throwable e) {
        Throwable t = e;
        for (Throwable x = e; x != null; x = x.getCause() == x ? null : x.getCause()) {
            if (x instanceof java.net.http.HttpConnectTimeoutException) {
                return "no connection within 10 s (is the address right, and the port forwarded?)";
            }
            if (x instanceof java.net.ConnectException) {
                return "cannot connect (" + (x.getMessage() == null ? "connection refused" : x.getMessage())
                        + "): is the hub running at this URL?";
            }
            t = x;
        }
        String msg = t.getMessage() == null ? "" : t.getMessage();
        String kind = t.getClass().getSimpleName();
        return msg.isEmpty() ? kind : kind + ": " + msg;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** What the hub answered, with checks whose failure message names the request, the status and the hub's reason. */
    record Response(String method, String path, int status, String body, String location) {
        private static final Pattern FORM_ERROR = Pattern.compile("class=\"form-error\"[^>]*>([^<]+)<");
        private static final Pattern ERROR_PAGE = Pattern.compile("<h1>[^<]*</h1>\\s*<p>([^<]+)</p>");
        private static final Pattern TITLE = Pattern.compile("<title>([^<]+)</title>");

        /** Fails the step unless the status is one of {@code ok}; {@code what} says what the request was for. */
        Response expect(String what, int... ok) {
            for (int s : ok) {
                if (s == status) {
                    return this;
                }
            }
            throw new StepFailure(what + ": " + method + " " + path + " answered " + status + reasonOf(status, body)
                    + (location.isEmpty() ? "" : " (-> " + location + ")"));
        }

        JsonNode json() {
            JsonNode n = Json.parseOrNull(body);
            if (n == null) {
                throw new StepFailure(method + " " + path + " answered " + status + " but not with JSON: " + abbreviate(body));
            }
            return n;
        }

        /** A string field of a JSON object body; fails when it is missing. */
        String field(String name) {
            JsonNode v = json().path(name);
            if (v.isMissingNode() || v.isNull()) {
                throw new StepFailure(method + " " + path + " answered without \"" + name + "\": " + abbreviate(body));
            }
            return v.asString();
        }

        /** ": the hub's message" from a JSON error ({"error", "message"}) or an error page, or the start of the body. */
        static String reasonOf(int status, String body) {
            JsonNode n = Json.parseOrNull(body);
            if (n != null && n.hasNonNull("message")) {
                return ": " + n.path("message").asString();
            }
            Matcher m = FORM_ERROR.matcher(body);
            if (m.find()) {
                return ": " + m.group(1).trim();
            }
            m = ERROR_PAGE.matcher(body);
            if (m.find() && status >= 400) {
                return ": " + m.group(1).trim();
            }
            m = TITLE.matcher(body);
            if (m.find() && status >= 400) {
                return ": " + m.group(1).trim();
            }
            return body.isBlank() ? "" : ": " + abbreviate(body);
        }

        static String abbreviate(String s) {
            String one = s.replaceAll("\\s+", " ").trim();
            return one.length() <= 200 ? one : one.substring(0, 200) + "…";
        }
    }
}
