package org.labhub.podman;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.testing.ForkedJvm;
import org.labhub.testing.TestHub;

/** The hub's side of Podman: it starts without one, says so in /api/health, and stops the service it ran. */
class HubPodmanHealthTest {

    @Test
    void withoutPodmanTheHubStillServesAndHealthSaysDegraded() throws Exception {
        try (TestHub hub = TestHub.start(Map.of("podman.socket", "/nonexistent/labhub/podman.sock"))) {
            String body = hub.client().get("/api/health").expectStatus(200).body();

            assertThat(body).isEqualTo("{\"status\":\"degraded\",\"checks\":{\"catalog\":\"ok\",\"podman\":\"unreachable\",\"search\":\"ok\"}}");
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

    @Test
    void aHubKilledWithSigkillTakesItsPodmanServiceAlong(@TempDir Path root) throws Exception {
        Map<String, String> cheapHashing = Map.of("LABHUB_AUTH_ARGON2_MEMORY_KIB", "1024", "LABHUB_AUTH_ARGON2_ITERATIONS", "1");
        String socket = root.resolve("run/podman/podman.sock").toString();
        ProcessHandle service;
        try (ForkedJvm hub = ForkedJvm.start("org.labhub.Main", cheapHashing, "run", "--data", root.toString(), "--port", "0")) {
            hub.awaitStdout("labhub is serving", Duration.ofSeconds(90));
            service = serviceOn(socket).orElseThrow(() -> new AssertionError("no podman system service on " + socket));

            hub.kill9(Duration.ofSeconds(30));
        }

        Instant deadline = Instant.now().plusSeconds(10);
        while (service.isAlive() && Instant.now().isBefore(deadline)) {
            Thread.sleep(25);
        }
        assertThat(service.isAlive()).as("the podman service of a killed hub is gone").isFalse();
    }

    private static Optional<ProcessHandle> serviceOn(String socket) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("system service") && c.contains(socket)).orElse(false))
                .findFirst();
    }
}
