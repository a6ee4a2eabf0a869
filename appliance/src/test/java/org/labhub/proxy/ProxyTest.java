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
