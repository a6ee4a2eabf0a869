package org.labhub.podman;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.labhub.testing.TestHub;

/** The hub's side of Podman: it starts without one, says so in /api/health, and stops the service it ran. */
class HubPodmanHealthTest {

    @Test
    void withoutPodmanTheHubStillServesAndHealthSaysDegraded() throws Exception {
        try (TestHub hub = TestHub.start(Map.of("podman.socket", "/nonexistent/labhub/podman.sock"))) {
            String body = hub.client().get("/api/health").expectStatus(200).body();

            assertThat(body).isEqualTo("{\"status\":\"degraded\",\"checks\":{\"catalog\":\"ok\",\"podman\":\"unreachable\"}}");
        }
    }

    @Test
    void theHubStopsThePodmanServiceItStartedWhenItStops() throws Exception {
        long pid;
        try (TestHub hub = TestHub.start()) {
            assertThat(hub.client().get("/api/health").expectStatus(200).body()).contains("\"podman\":\"ok\"");
            pid = hub.hub().podman().ownPid().orElseThrow();
            assertThat(hub.dataRoot().resolve("run/podman/podman.sock")).exists();
        }

        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void aHubStartedWithPodmanCanUseIt() throws Exception {
        try (TestHub hub = TestHub.start()) {
            PodmanClient client = hub.hub().podman().client();

            assertThat(client.version().version()).startsWith("4.");
            assertThat(hub.hub().podman().awaitReady(Duration.ofSeconds(1))).isTrue();
        }
    }
}
