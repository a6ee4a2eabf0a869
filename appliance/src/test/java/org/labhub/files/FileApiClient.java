package org.labhub.files;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Calls the file API with an API token and raw bytes (HubClient speaks strings); paths are percent-encoded per segment. */
final class FileApiClient {
    private final String base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    FileApiClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    String token() {
        return token;
    }

    /** A path made of names, each percent-encoded (so {@code #}, spaces and non-ASCII survive). */
    static String enc(String path) {
        StringBuilder b = new StringBuilder();
        for (String seg : path.split("/", -1)) {
            if (b.length() > 0 || path.startsWith("/")) {
                b.append('/');
            }
            b.append(URLEncoder.encode(seg, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return b.toString();
    }

    HttpResponse<byte[]> send(String method, String rawPath, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + rawPath)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", "token " + token);
        headers.forEach(b::header);
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + rawPath + " failed: " + e, e);
        }
    }

    HttpResponse<byte[]> get(String rawPath) {
        return send("GET", rawPath, null, Map.of());
    }

    HttpResponse<byte[]> put(String rawPath, byte[] body) {
        return send("PUT", rawPath, body, Map.of());
    }

    HttpResponse<byte[]> json(String method, String rawPath, String json) {
        return send(method, rawPath, json == null ? null : json.getBytes(StandardCharsets.UTF_8),
                json == null ? Map.of() : Map.of("Content-Type", "application/json"));
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static JsonNode tree(HttpResponse<byte[]> r) {
        return org.labhub.web.Json.MAPPER.readTree(text(r));
    }
}
