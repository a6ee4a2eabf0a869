package org.labhub.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.spawner.Notebooks;
import org.labhub.testing.HubClient;
import org.labhub.testing.KernelChannel;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;

/**
 * Who reaches alice's notebook server through /user/alice/, over HTTP and WebSocket: anonymous, alice (session and
 * tokens), bob, and the admin (refused: admin access is off by default; see {@link AdminAccessTest}). Path tricks
 * never lead bob anywhere but a refusal. (Public links share files, not servers: a visitor without an account is
 * the anonymous row.)
 */
class ProxyAccessTest {
    private static final String MINIMAL = "{\"environment\":\"minimal\",\"profile\":\"small\"}";
    private static final String LISTING = "/user/alice/api/contents";
    private static TestHub t;
    private static HubClient alice;
    private static HubClient bob;
    private static HubClient admin;
    private static String kernel;

    @BeforeAll
    static void start() throws Exception {
        t = TestHub.start();
        Notebooks.requireMinimal(t);
        alice = t.user("alice", "alice-password-1");
        bob = t.user("bob", "bob-password-12");
        admin = t.admin();
        Notebooks.start(t, alice, "alice", "", MINIMAL);
        kernel = Json.MAPPER.readTree(alice.api("POST", "/user/alice/api/kernels", "{\"name\":\"python3\"}").expectStatus(201).body())
                .path("id").asString();
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    private static HubClient.Res get(HubClient c, String path, Map<String, String> headers) {
        return c.send(HttpRequest.newBuilder(URI.create(c.base() + path)).GET(), headers);
    }

    private static HubClient tokenClient(HubClient owner, String user, String scopes) {
        String token = owner.api("POST", "/api/users/" + user + "/tokens", "{\"note\":\"proxy test\",\"scopes\":" + scopes + "}")
                .expectStatus(201).json("token");
        return new HubClient(t.baseUrl()).withToken(token);
    }

    @Test
    void httpMatrix() {
        HubClient anonymous = t.client();
        // anonymous: 401 for a script, the login page for a browser
        assertThat(get(anonymous, LISTING, Map.of()).status()).isEqualTo(401);
        HubClient.Res page = get(anonymous, "/user/alice/tree", Map.of("Accept", "text/html"));
        assertThat(page.status()).isEqualTo(303);
        assertThat(page.location()).isEqualTo("/login?next=%2Fuser%2Falice%2Ftree");
        // alice: her session, and a token with the servers scope; not a token without it
        assertThat(get(alice, LISTING, Map.of()).status()).isEqualTo(200);
        assertThat(get(tokenClient(alice, "alice", "[\"servers\"]"), LISTING, Map.of()).status()).isEqualTo(200);
        HubClient.Res readOnly = get(tokenClient(alice, "alice", "[\"read\"]"), LISTING, Map.of());
        assertThat(readOnly.status()).isEqualTo(403);
        assertThat(readOnly.body()).contains("servers scope");
        // bob, by session or token: refused
        assertThat(get(bob, LISTING, Map.of()).status()).isEqualTo(403);
        assertThat(get(tokenClient(bob, "bob", "[\"servers\"]"), LISTING, Map.of()).status()).isEqualTo(403);
        // the admin too, while proxy.admin_access is off
        HubClient.Res adm = get(admin, LISTING, Map.of());
        assertThat(adm.status()).isEqualTo(403);
        assertThat(adm.body()).contains("proxy.admin_access");
    }

    @Test
    void aRevokedTokenOrAnEndedSessionStopsWorkingAtTheVeryNextRequest() throws Exception {
        HubClient.Res created = alice.api("POST", "/api/users/alice/tokens", "{\"note\":\"revoke me\",\"scopes\":[\"servers\"]}")
                .expectStatus(201);
        HubClient script = new HubClient(t.baseUrl()).withToken(created.json("token"));
        assertThat(get(script, LISTING, Map.of()).status()).isEqualTo(200);
        alice.api("DELETE", "/api/users/alice/tokens/" + created.json("id")).expectStatus(204);
        assertThat(get(script, LISTING, Map.of()).status()).isEqualTo(401);

        HubClient browser = t.client();
        browser.login("alice", "alice-password-1").expectStatus(303);
        assertThat(get(browser, LISTING, Map.of()).status()).isEqualTo(200);
        HubClient replay = t.client();
        replay.setCookie("labhub_session", browser.cookie("labhub_session").orElseThrow());
        assertThat(get(replay, LISTING, Map.of()).status()).isEqualTo(200);
        browser.form("/logout", Map.of()).expectStatus(303);
        // The same cookie, replayed right after the logout, is refused at once (not after the two seconds remembered).
        assertThat(get(replay, LISTING, Map.of()).status()).isEqualTo(401);
    }

    @Test
    void metricsCountWhatTheProxyDidAndTheWebSocketsOpen() throws Exception {
        get(alice, LISTING, Map.of()).expectStatus(200);
        get(bob, LISTING, Map.of()).expectStatus(403);
        try (KernelChannel k = KernelChannel.open(alice, "/user/alice/api/kernels/" + kernel + "/channels", Map.of("Origin", t.baseUrl()))) {
            k.execute("1", Duration.ofSeconds(60));
            String metrics = admin.get("/metrics").expectStatus(200).body();
            assertThat(counter(metrics, "labhub_proxy_requests_total{kind=\"http\",outcome=\"forwarded\"}")).isGreaterThanOrEqualTo(1);
            assertThat(counter(metrics, "labhub_proxy_requests_total{kind=\"http\",outcome=\"refused\"}")).isGreaterThanOrEqualTo(1);
            assertThat(counter(metrics, "labhub_proxy_requests_total{kind=\"websocket\",outcome=\"forwarded\"}")).isGreaterThanOrEqualTo(1);
            assertThat(counter(metrics, "labhub_proxy_websockets_open")).isGreaterThanOrEqualTo(1);
        }
    }

    private static double counter(String metrics, String series) {
        return metrics.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
                .orElseThrow(() -> new AssertionError(series + " not in /metrics:\n" + metrics));
    }

    @Test
    void pathTricksNeverTakeBobToAlicesServer() {
        Map<String, Integer> tricks = Map.of(
                "/user/alice", 403,
                "/user/alice/", 403,
                "/user/bob/../alice/api/contents", 403,
                "/user/bob/%2e%2e/alice/api/contents", 400,
                "/user/bob%2F..%2Falice/api/contents", 400,
                "/user/%61lice/api/contents", 403,
                "/user/ALICE/api/contents", 404,
                "/user//alice/api/contents", 400,
                "/user/alice;x=1/api/contents", 403);
        tricks.forEach((path, status) -> {
            HubClient.Res r = get(bob, path, Map.of());
            assertThat(r.status()).as("bob GET %s: %s", path, r.body()).isEqualTo(status);
            assertThat(r.body()).as(path).doesNotContain("\"type\": \"directory\"").doesNotContain("\"type\":\"directory\"");
        });
        // And alice's own server through a roundabout path is still alice's: the check is made on the canonical path.
        assertThat(get(alice, "/user/bob/../alice/api/contents", Map.of()).status()).isEqualTo(200);
    }

    @Test
    void webSocketMatrix() throws Exception {
        String channels = "/user/alice/api/kernels/" + kernel + "/channels";
        Map<String, String> hubOrigin = Map.of("Origin", t.baseUrl());
        assertThat(ProxyTest.handshakeStatus(() -> KernelChannel.open(t.client(), channels, hubOrigin))).isEqualTo(401);
        assertThat(ProxyTest.handshakeStatus(() -> KernelChannel.open(bob, channels, hubOrigin))).isEqualTo(403);
        assertThat(ProxyTest.handshakeStatus(() -> KernelChannel.open(admin, channels, hubOrigin))).isEqualTo(403);
        // alice's own cookie, but from another site, or with no Origin at all: cross-site WebSocket hijacking refused
        assertThat(ProxyTest.handshakeStatus(() -> KernelChannel.open(alice, channels, Map.of("Origin", "http://evil.localhost:1"))))
                .isEqualTo(403);
        assertThat(ProxyTest.handshakeStatus(() -> KernelChannel.open(alice, channels, Map.of()))).isEqualTo(403);
        // from the hub's own page, and by token (a script, no Origin), it works
        try (KernelChannel k = KernelChannel.open(alice, channels, hubOrigin)) {
            assertThat(k.execute("print(6*7)", Duration.ofSeconds(60)).stdout()).isEqualTo("42\n");
        }
        try (KernelChannel k = KernelChannel.open(tokenClient(alice, "alice", "[\"servers\"]"), channels, Map.of())) {
            assertThat(k.execute("print(6*7)", Duration.ofSeconds(60)).stdout()).isEqualTo("42\n");
        }
        // an unknown kernel: the notebook's own refusal reaches the client
        assertThat(ProxyTest.handshakeStatus(() -> KernelChannel.open(alice, "/user/alice/api/kernels/nope/channels", hubOrigin)))
                .isIn(400, 404);
    }

    @Test
    void aStateChangingBrowserRequestMustComeFromTheHubsOrigin() {
        String body = "{\"type\":\"notebook\"}";
        HubClient.Res foreign = alice.send(HttpRequest.newBuilder(URI.create(t.baseUrl() + "/user/alice/api/contents"))
                .POST(HttpRequest.BodyPublishers.ofString(body)), Map.of("Origin", "http://evil.localhost", "Content-Type", "application/json"));
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.body()).contains("cross-origin");
        HubClient.Res none = alice.send(HttpRequest.newBuilder(URI.create(t.baseUrl() + "/user/alice/api/contents"))
                .POST(HttpRequest.BodyPublishers.ofString(body)), Map.of("Content-Type", "application/json"));
        assertThat(none.status()).isEqualTo(403);
        HubClient.Res own = alice.send(HttpRequest.newBuilder(URI.create(t.baseUrl() + "/user/alice/api/contents"))
                .POST(HttpRequest.BodyPublishers.ofString(body)), Map.of("Origin", t.baseUrl(), "Content-Type", "application/json"));
        assertThat(own.status()).as(own.body()).isEqualTo(201);
    }

    @Test
    void aServerThatIsNotRunningSendsTheBrowserToTheDashboardAndTellsScriptsItsState() {
        HubClient.Res page = get(bob, "/user/bob/tree?x=1", Map.of("Accept", "text/html", "Sec-Fetch-Mode", "navigate"));
        assertThat(page.status()).isEqualTo(303);
        assertThat(page.location()).isEqualTo("/?next=%2Fuser%2Fbob%2Ftree%3Fx%3D1");
        HubClient.Res dashboard = bob.get(page.location()).expectStatus(200);
        assertThat(dashboard.body()).contains("is not running").contains("data-next=\"/user/bob/tree?x=1\"");

        HubClient.Res api = get(bob, "/user/bob/api/contents", Map.of());
        assertThat(api.status()).isEqualTo(503);
        assertThat(Json.MAPPER.readTree(api.body()).path("state").asString()).isEqualTo("none");
        assertThat(api.body()).contains("POST /api/users/bob/server");
    }

    @Test
    void theDashboardSendsARunningServersPageStraightOn() {
        HubClient.Res r = alice.get("/?next=%2Fuser%2Falice%2Ftree");
        assertThat(r.status()).isEqualTo(303);
        assertThat(r.location()).isEqualTo("/user/alice/tree");
        // and never anywhere but the user's own server
        assertThat(alice.get("/?next=https%3A%2F%2Fevil.localhost%2F").status()).isEqualTo(200);
        assertThat(alice.get("/?next=%2Fuser%2Fbob%2Ftree").body()).doesNotContain("data-next");
    }
}
