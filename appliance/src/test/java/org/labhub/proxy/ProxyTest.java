package org.labhub.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.spawner.Notebooks;
import org.labhub.testing.HubClient;
import org.labhub.testing.KernelChannel;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/** alice's notebook server through /user/alice/: HTTP, kernels over WebSocket, and the browser's origin rules. */
class ProxyTest {
    private static final String MINIMAL = "{\"environment\":\"minimal\",\"profile\":\"small\"}";
    private static TestHub t;
    private static HubClient alice;

    @BeforeAll
    static void start() throws Exception {
        t = TestHub.start();
        Notebooks.requireMinimal(t);
        alice = t.user("alice", "alice-password-1");
        Notebooks.start(t, alice, "alice", "", MINIMAL);
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    @Test
    void theOwnerReachesHerNotebookApiWithHerSession() {
        HubClient.Res r = alice.get("/user/alice/api/contents").expectStatus(200);
        JsonNode listing = Json.MAPPER.readTree(r.body());
        assertThat(listing.path("type").asString()).isEqualTo("directory");
        // The notebook never sees the hub's session cookie, and the hub's cookies never come back from it.
        assertThat(r.header("Set-Cookie").orElse("")).doesNotContain("labhub_session");
    }

    @Test
    void aKernelComputesOverTheProxiedWebSocketIncludingATenMegabyteOutput() throws Exception {
        try (KernelChannel k = KernelChannel.start(alice, "/user/alice/", Map.of("Origin", t.baseUrl()))) {
            KernelChannel.Result small = k.execute("print(1+1)", Duration.ofSeconds(60));
            assertThat(small.status()).isEqualTo("ok");
            assertThat(small.stdout()).isEqualTo("2\n");
            KernelChannel.Result big = k.execute("print('x' * 10_000_000)", Duration.ofSeconds(120));
            assertThat(big.status()).isEqualTo("ok");
            assertThat(big.stdout()).hasSize(10_000_001);
            assertThat(big.stdout().chars().limit(10_000_000).allMatch(c -> c == 'x')).isTrue();
        }
    }

    @Test
    void closesPassThroughInBothDirections() throws Exception {
        // The browser closes: the hub answers the close (and closes the notebook's side).
        KernelChannel k = KernelChannel.start(alice, "/user/alice/", Map.of("Origin", t.baseUrl()));
        k.execute("x = 1", Duration.ofSeconds(60));
        k.close();
        assertThat(k.closed().get(10, TimeUnit.SECONDS)).startsWith("1000");

        // The notebook's side goes away (its server is stopped): the browser is told instead of left hanging.
        // (Notebook 6.4 keeps a channel open when only its kernel is shut down, so the server itself is stopped.)
        Notebooks.start(t, alice, "alice", "closer", MINIMAL);
        KernelChannel second = KernelChannel.start(alice, "/user/alice/closer/", Map.of("Origin", t.baseUrl()));
        second.execute("y = 2", Duration.ofSeconds(60));
        alice.api("DELETE", "/api/users/alice/servers/closer").expectStatus(204);
        assertThat(second.closed().get(30, TimeUnit.SECONDS)).matches("10\\d\\d .*");
    }

    @Test
    void aTerminalWorksThroughTheProxy() throws Exception {
        String name = Json.MAPPER.readTree(alice.api("POST", "/user/alice/api/terminals", "{}").expectStatus(200).body())
                .path("name").asString();
        java.util.concurrent.BlockingQueue<String> out = new java.util.concurrent.LinkedBlockingQueue<>();
        java.net.http.WebSocket ws = alice.webSocket("/user/alice/terminals/websocket/" + name, Map.of("Origin", t.baseUrl()),
                new java.net.http.WebSocket.Listener() {
                    private final StringBuilder part = new StringBuilder();

                    @Override
                    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                        part.append(data);
                        if (last) {
                            out.add(part.toString());
                            part.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                });
        ws.sendText("[\"stdin\", \"echo through-the-$((20+22))-proxy\\r\"]", true).join();
        StringBuilder seen = new StringBuilder();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!seen.toString().contains("through-the-42-proxy") && System.nanoTime() < deadline) {
            String m = out.poll(1, TimeUnit.SECONDS);
            if (m != null) {
                seen.append(m);
            }
        }
        assertThat(seen.toString()).contains("through-the-42-proxy");
        ws.sendClose(java.net.http.WebSocket.NORMAL_CLOSURE, "done").join();
        alice.api("DELETE", "/user/alice/api/terminals/" + name).expectStatus(204);
    }

    @Test
    void aWebSocketFromAnotherOriginIsRefused() {
        assertThat(handshakeStatus(() -> KernelChannel.open(alice, "/user/alice/api/kernels/x/channels",
                Map.of("Origin", "http://evil.localhost")))).isEqualTo(403);
    }

    /** The HTTP status with which the hub refused a WebSocket handshake. */
    static int handshakeStatus(org.assertj.core.api.ThrowableAssert.ThrowingCallable open) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(open);
        assertThat(thrown).as("the handshake was refused").isNotNull();
        for (Throwable e = thrown; e != null; e = e.getCause()) {
            if (e instanceof WebSocketHandshakeException h) {
                return h.getResponse().statusCode();
            }
        }
        throw new AssertionError("not a refused handshake", thrown);
    }
}
