package org.labhub.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The JDK HTTP client as the benchmarks use it: HTTP/1.1, no redirects followed, every request with a timeout. */
final class Http {
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private Http() {}

    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    static HttpRequest.Builder request(String url) {
        if (!url.startsWith("http://127.0.0.1:")) {
            throw new IllegalArgumentException("benchmarks talk to the loopback address only, not " + url);
        }
        return HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT);
    }

    static HttpRequest postJson(String url, String json, String authorization) {
        return request(url).header("Content-Type", "application/json").header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    static HttpResponse<String> send(HttpClient client, HttpRequest request) throws IOException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** A string field of a flat JSON answer (the benchmarks need only {@code "token"}). */
    static String jsonString(String body, String field) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*\"([^\"]*)\"").matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no \"" + field + "\" in " + abbreviate(body));
        }
        return m.group(1);
    }

    /** A number field of a flat JSON answer, such as a job's {@code "id"}. */
    static long jsonLong(String body, String field) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(field) + "\"\\s*:\\s*(-?\\d+)").matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no number \"" + field + "\" in " + abbreviate(body));
        }
        return Long.parseLong(m.group(1));
    }

    /** The value the response sets for cookie {@code name}. */
    static Optional<String> setCookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(h -> h.startsWith(name + "="))
                .map(h -> h.substring(name.length() + 1).split(";", 2)[0])
                .findFirst();
    }

    /** The hidden {@code csrf} field of a rendered form. */
    static String csrfField(String html) {
        Matcher m = CSRF_FIELD.matcher(html);
        if (!m.find()) {
            throw new IllegalStateException("the page has no csrf field");
        }
        return m.group(1);
    }

    /** Polls {@code /api/health} until it answers 200; fails after {@code max}. */
    static void awaitHealthy(HttpClient client, String base, Duration max) throws IOException {
        long deadline = System.nanoTime() + max.toNanos();
        HttpRequest health = request(base + "/api/health").timeout(Duration.ofSeconds(5)).build();
        while (true) {
            try {
                if (send(client, health).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(base + "/api/health did not answer 200 within " + max.toSeconds() + " s");
            }
            sleep(Duration.ofMillis(50));
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
