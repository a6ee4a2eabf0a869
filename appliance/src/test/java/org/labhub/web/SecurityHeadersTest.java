package org.labhub.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import tools.jackson.databind.JsonNode;

/**
 * Every answer of the hub, whoever produced it, carries the browser-hardening headers and never shows a
 * stack trace; API errors are JSON naming the problem; pages escape what users typed.
 */
class SecurityHeadersTest {
    static TestHub hub;
    static HubClient anonymous;
    static HubClient admin;
    static HubClient script;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        anonymous = hub.client();
        admin = hub.admin();
        String token = admin.api("POST", "/api/users/admin/tokens", "{\"scopes\":[\"read\",\"admin\"]}").expectStatus(201).json("token");
        script = hub.client().withToken(token);
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/login", "/api/health", "/api/openapi.json", "/static/app.css", "/static/app.js",
            "/nope", "/api/nope", "/static/nope.css", "/admin/users"})
    void everyKindOfAnswerCarriesTheHardeningHeaders(String path) {
        HubClient.Res r = anonymous.get(path);
        assertHardened(r.status(), r::header);
        assertNoInternals(r.body());
    }

    @Test
    void errorPagesCarryTheHardeningHeaders() {
        HubClient.Res[] errors = {
                anonymous.formRaw("/account/tokens", Map.of("scope", "read"), Map.of("Origin", hub.baseUrl())),
                admin.formRaw("/admin/groups", Map.of("name", "no-token"), Map.of("Origin", hub.baseUrl())),
                admin.get("/admin/groups/no-such-group"),
                anonymous.api("DELETE", "/api/health"),
                anonymous.get("/api/users"),
                script.api("POST", "/api/users/x", "{not json"),
        };
        assertThat(Arrays.stream(errors).map(HubClient.Res::status)).containsExactly(401, 403, 404, 405, 401, 400);
        for (HubClient.Res r : errors) {
            assertHardened(r.status(), r::header);
            assertNoInternals(r.body());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "GET /%zz HTTP/1.1",
            "GET /api/users/a%2Fb HTTP/1.1",
            "GET /static/%2e%2e/templates/login.peb HTTP/1.1",
            "GET /static/..;/templates/login.peb HTTP/1.1",
            "GET /api/%00 HTTP/1.1",
            "GET /api/health HTTP/9.9",
    })
    void requestsJettyRejectsGetOnlyTheStatusPhraseAndTheHeaders(String requestLine) throws IOException {
        RawResponse r = raw(requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        assertThat(r.status).as("status for %s", requestLine).isBetween(400, 505).isNotEqualTo(500);
        assertNoInternals(r.body);
        assertJsonError(r.body);
        assertHardened(r.status, r::header);
    }

    @Test
    void anOversizedHeaderIsRefusedWithoutDetails() throws IOException {
        RawResponse r = raw("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(40_000)
                + "\r\nConnection: close\r\n\r\n");
        assertThat(r.status).isEqualTo(431);
        assertNoInternals(r.body);
        assertJsonError(r.body);
        assertHardened(r.status, r::header);
    }

    @Test
    void anonymousApiCallsGet401Json() {
        HubClient.Res r = anonymous.get("/api/users").expectStatus(401);
        assertJsonError(r.body());
        assertThat(r.json("error")).isEqualTo("login_required");
        assertThat(r.header("WWW-Authenticate")).isPresent();
    }

    @Test
    void unknownApiPathsGet404Json() {
        HubClient.Res r = anonymous.get("/api/nope").expectStatus(404);
        assertThat(r.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertJsonError(r.body());
        assertThat(r.json("error")).isEqualTo("not_found");
    }

    @Test
    void aWrongMethodGets405NamingTheAllowedOnes() {
        HubClient.Res r = script.api("DELETE", "/api/health").expectStatus(405);
        assertJsonError(r.body());
        assertThat(r.header("Allow")).hasValue("GET");
    }

    @Test
    void malformedJsonGets400NamingTheProblemAndCreatesNothing() {
        HubClient.Res broken = script.api("POST", "/api/users/x", "{not json").expectStatus(400);
        assertJsonError(broken.body());
        assertThat(broken.json("message")).containsIgnoringCase("JSON");
        assertNoInternals(broken.body());

        HubClient.Res unknownField = script.api("POST", "/api/users/x", "{\"pasword\":\"typo-in-the-name\"}").expectStatus(400);
        assertThat(unknownField.json("message")).contains("pasword");
        assertNoInternals(unknownField.body());

        HubClient.Res wrongType = script.api("POST", "/api/users/x", "{\"admin\":\"maybe\"}").expectStatus(400);
        assertJsonError(wrongType.body());
        assertNoInternals(wrongType.body());

        script.api("GET", "/api/users/x").expectStatus(404);
    }

    @Test
    void aBodyThatIsNotJsonGets415() {
        for (String type : new String[] {"text/xml", "text/plain", "application/x-www-form-urlencoded"}) {
            HubClient.Res r = script.send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/api/users/x"))
                    .POST(HttpRequest.BodyPublishers.ofString("password=not-json-at-all")), Map.of("Content-Type", type));
            assertThat(r.status()).as("status for %s", type).isEqualTo(415);
            assertJsonError(r.body());
            assertThat(r.json("error")).isEqualTo("unsupported_media_type");
        }
        script.api("GET", "/api/users/x").expectStatus(404);
    }

    @Test
    void pagesEscapeAGroupDescription() {
        script.api("POST", "/api/groups/xss-desc", "{\"description\":\"<script>alert(1)</script>\"}").expectStatus(201);
        for (String page : new String[] {"/admin/groups/xss-desc", "/admin/groups"}) {
            String body = admin.get(page).expectStatus(200).body();
            assertThat(body).as(page).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");
        }
    }

    @Test
    void theLoginPageEscapesEchoedValuesInsideAttributes() {
        String attack = "\"><script>alert(1)</script>";
        HubClient c = hub.client();
        c.get("/login").expectStatus(200);
        String failed = c.form("/login", Map.of("username", attack, "password", "wrong-password", "next", "/")).expectStatus(401).body();
        assertThat(failed).doesNotContain("<script>alert(1)").contains("&quot;&gt;&lt;script&gt;");

        String next = c.get("/login?next=" + URLEncoder.encode("/" + attack, StandardCharsets.UTF_8)).expectStatus(200).body();
        assertThat(next).doesNotContain("<script>alert(1)").doesNotContain("\"><script>");
    }

    /** The headers that keep a browser from framing, sniffing or running injected script on the hub's pages. */
    private static void assertHardened(int status, java.util.function.Function<String, Optional<String>> header) {
        String csp = header.apply("Content-Security-Policy").orElseThrow(() -> new AssertionError("no CSP on a " + status));
        Map<String, String> directives = new LinkedHashMap<>();
        for (String d : csp.split(";")) {
            String t = d.trim();
            if (!t.isEmpty()) {
                int sp = t.indexOf(' ');
                directives.put((sp < 0 ? t : t.substring(0, sp)).toLowerCase(Locale.ROOT), sp < 0 ? "" : t.substring(sp + 1));
            }
        }
        String scripts = directives.getOrDefault("script-src", directives.get("default-src"));
        assertThat(scripts).as("script-src of a %d", status).isNotNull().doesNotContain("'unsafe-inline'").doesNotContain("'unsafe-eval'");
        assertThat(directives.get("frame-ancestors")).as("frame-ancestors of a %d", status).isEqualTo("'none'");
        assertThat(header.apply("X-Content-Type-Options")).as("nosniff on a %d", status).hasValue("nosniff");
        assertThat(header.apply("Referrer-Policy")).as("Referrer-Policy on a %d", status).hasValueSatisfying(v ->
                assertThat(v).isIn("no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"));
    }

    private static void assertNoInternals(String body) {
        assertThat(body).doesNotContain("Exception").doesNotContain("at org.").doesNotContain(".java:");
    }

    private static void assertJsonError(String body) {
        JsonNode n = Json.MAPPER.readTree(body);
        assertThat(n.path("error").isString()).as("error field in %s", body).isTrue();
        assertThat(n.path("message").isString()).as("message field in %s", body).isTrue();
        assertThat(n.path("message").asString()).isNotBlank();
    }

    private record RawResponse(int status, Map<String, String> headers, String body) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
        }
    }

    /** Sends bytes the Java HTTP client would refuse to send, and reads the answer up to the server's close. */
    private static RawResponse raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", hub.hub().port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String text = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int split = text.indexOf("\r\n\r\n");
            assertThat(split).as("a complete HTTP answer: %s", text).isPositive();
            String[] lines = text.substring(0, split).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            return new RawResponse(status, headers, text.substring(split + 4));
        }
    }
}
