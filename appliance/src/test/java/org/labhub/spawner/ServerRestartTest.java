package org.labhub.spawner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.testing.ForkedJvm;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/** A hub that dies or restarts never kills or loses running servers; idle servers are stopped. */
class ServerRestartTest {
    private static final Map<String, String> CHEAP_HASHING = Map.of(
            "LABHUB_AUTH_ARGON2_MEMORY_KIB", "1024", "LABHUB_AUTH_ARGON2_ITERATIONS", "1");
    private static final Pattern URL = Pattern.compile("labhub is serving (http://127\\.0\\.0\\.1:\\d+)");

    @TempDir
    Path root;

    @Test
    void afterKill9TheNextHubAdoptsRunningServersAndRecordsDeadOnes() throws Exception {
        // Prepare the catalog: the environment and two users.
        try (TestHub first = TestHub.startOn(root, Map.of())) {
            Notebooks.requireMinimal(first);
            HubClient admin = first.admin();
            admin.api("POST", "/api/users/alice", "{\"password\":\"alice-password-1\"}").expectStatus(201);
            admin.api("POST", "/api/users/bob", "{\"password\":\"bob-password-12\"}").expectStatus(201);
        }
        String hubId = Files.readString(root.resolve("secrets/hub-id")).trim();
        String aliceContainer;
        String bobContainer;
        try (ForkedJvm forked = ForkedJvm.start("org.labhub.Main", CHEAP_HASHING, "run", "--data", root.toString(), "--port", "0")) {
            forked.awaitStdout("labhub is serving", Duration.ofSeconds(90));
            Matcher m = URL.matcher(forked.stdout());
            assertThat(m.find()).as(forked.stdout()).isTrue();
            for (String user : List.of("alice", "bob")) {
                HubClient c = new HubClient(m.group(1));
                c.login(user, user.equals("alice") ? "alice-password-1" : "bob-password-12").expectStatus(303);
                HubClient.Res r = c.api("POST", "/api/users/" + user + "/server", "{\"environment\":\"minimal\"}");
                assertThat(r.status()).as(r.body()).isIn(201, 202);
                Notebooks.await(user + "'s server ready", Duration.ofSeconds(60),
                        () -> c.api("GET", "/api/users/" + user).body().contains("\"ready\":true"));
            }
            forked.kill9(Duration.ofSeconds(30));
            aliceContainer = containerOf("alice", hubId);
            bobContainer = containerOf("bob", hubId);
        }
        // While no hub runs: bob's server dies, and a stray container of this hub appears.
        assertThat(Notebooks.run(List.of("podman", "rm", "-f", "-t", "0", bobContainer), null).exit()).isIn(0, 125);
        Notebooks.Exec stray = Notebooks.run(List.of("podman", "run", "-d", "--network=none", "--label",
                NotebookContainers.LABEL_HUB + "=" + hubId, Notebooks.MINIMAL, "sleep", "300"), null);
        assertThat(stray.exit()).as(stray.output()).isZero();
        String strayId = stray.output().strip();

        try (TestHub next = TestHub.startOn(root, Map.of())) {
            Server alice = Notebooks.server(next.hub(), "alice", "");
            assertThat(alice.state()).isEqualTo(Server.State.RUNNING);
            assertThat(alice.containerId()).contains(aliceContainer);
            // Usable: the derived token still opens it, and its kernel computes.
            try (NotebookClient nb = new NotebookClient()) {
                nb.status(next.hub().spawner().containers().socket(alice.key()), "/user/alice/", next.hub().spawner().tokenOf(alice),
                        Duration.ofSeconds(5));
            }
            Notebooks.Exec kernel = Notebooks.runKernel(next.hub(), alice, "1+1", "2");
            assertThat(kernel.exit()).as(kernel.output()).isZero();

            Server bob = Notebooks.server(next.hub(), "bob", "");
            assertThat(bob.state()).isEqualTo(Server.State.STOPPED);
            assertThat(bob.stopReason()).contains("while the hub was down");
            assertThat(next.hub().podman().client().containers().exists(strayId)).isFalse();

            HubClient admin = next.admin();
            admin.api("DELETE", "/api/users/alice/server").expectStatus(204);
            assertThat(next.hub().podman().client().containers().exists(aliceContainer)).isFalse();
        }
    }

    @Test
    void anOrderlyRestartKeepsServersRunning() throws Exception {
        try (TestHub hub = TestHub.startOn(root, Map.of())) {
            Notebooks.requireMinimal(hub);
            HubClient carol = hub.user("carol", "carol-password-1");
            Server before = Notebooks.start(hub, carol, "carol", "", "{\"environment\":\"minimal\"}");
            hub.restart();
            Server after = Notebooks.server(hub.hub(), "carol", "");
            assertThat(after.state()).isEqualTo(Server.State.RUNNING);
            assertThat(after.containerId()).isEqualTo(before.containerId());
            assertThat(hub.hub().podman().client().containers().inspect(after.containerId().orElseThrow()).state().running()).isTrue();
        }
    }

    @Test
    void anIdleServerIsStoppedWithTheReasonAndAnActiveOneIsNot() throws Exception {
        try (TestHub hub = TestHub.startOn(root, Map.of("spawner.idle_timeout", "4s"))) {
            Notebooks.requireMinimal(hub);
            HubClient dora = hub.user("dora", "dora-password-1");
            HubClient emil = hub.user("emil", "emil-password-1");
            Notebooks.start(hub, dora, "dora", "", "{\"environment\":\"minimal\"}");
            Notebooks.start(hub, emil, "emil", "", "{\"environment\":\"minimal\"}");
            // emil keeps using his server (as the proxy reports it); dora does not.
            long until = System.nanoTime() + 9_000_000_000L;
            while (System.nanoTime() < until) {
                hub.hub().spawner().recordActivity(ServerKey.defaultOf("emil"));
                Thread.sleep(500);
            }
            Notebooks.await("dora's idle server stopped", Duration.ofSeconds(10),
                    () -> Notebooks.server(hub.hub(), "dora", "").state() == Server.State.STOPPED);
            assertThat(Notebooks.server(hub.hub(), "dora", "").stopReason()).isEqualTo("stopped after 4 seconds without activity");
            assertThat(Notebooks.server(hub.hub(), "emil", "").state()).isEqualTo(Server.State.RUNNING);
        }
    }

    private static String containerOf(String user, String hubId) throws Exception {
        Notebooks.Exec ps = Notebooks.run(List.of("podman", "ps", "-q", "--no-trunc", "--filter",
                "label=" + NotebookContainers.LABEL_HUB + "=" + hubId, "--filter", "label=" + NotebookContainers.LABEL_USER + "=" + user), null);
        assertThat(ps.output().strip()).as("%s's running container", user).matches("[0-9a-f]{64}");
        return ps.output().strip();
    }
}
