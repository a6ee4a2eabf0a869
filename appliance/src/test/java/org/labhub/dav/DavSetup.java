package org.labhub.dav;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/** A user with a {@code files} app password on a test hub, and raw WebDAV calls with HTTP Basic as sync clients make them. */
final class DavSetup {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    final TestHub hub;
    final String user;
    final String token;

    private DavSetup(TestHub hub, String user, String token) {
        this.hub = hub;
        this.user = user;
        this.token = token;
    }

    static DavSetup user(TestHub hub, String name, String... scopes) throws Exception {
        HubClient c = hub.user(name, name + "-password-1");
        String list = scopes.length == 0 ? "\"files\"" : String.join(",", java.util.Arrays.stream(scopes).map(s -> "\"" + s + "\"").toList());
        String token = c.api("POST", "/api/users/" + name + "/tokens", "{\"scopes\":[" + list + "]}").expectStatus(201).json("token");
        return new DavSetup(hub, name, token);
    }

    /** The same user with another token (one with other scopes). */
    DavSetup withToken(String other) {
        return new DavSetup(hub, user, other);
    }

    String url() {
        return hub.baseUrl() + "/dav/" + user + "/";
    }

    Path home() {
        return hub.dataRoot().resolve("homes").resolve(user);
    }

    HttpResponse<String> call(String method, String rawPath, String body, Map<String, String> headers) throws Exception {
        return callAs(user, token, method, rawPath, body, headers);
    }

    /**
     * On a connection of its own: after a refused URL Jetty closes the connection, and a pooled client that races
     * to reuse it sees "no bytes" instead of the next answer.
     */
    HttpResponse<String> callFresh(String method, String rawPath, String body, Map<String, String> headers) throws Exception {
        HttpClient own = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return send(own, user, token, method, rawPath, body, headers);
    }

    HttpResponse<String> callAs(String name, String password, String method, String rawPath, String body, Map<String, String> headers)
            throws Exception {
        return send(HTTP, name, password, method, rawPath, body, headers);
    }

    private HttpResponse<String> send(HttpClient http, String name, String password, String method, String rawPath, String body,
                                      Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.baseUrl() + rawPath)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8)));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> call(String method, String rawPath) throws Exception {
        return call(method, rawPath, null, Map.of());
    }
}
