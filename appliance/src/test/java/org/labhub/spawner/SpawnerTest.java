package org.labhub.spawner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.labhub.spawner.Notebooks.exec;
import static org.labhub.spawner.Notebooks.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.podman.ContainerInfo;
import org.labhub.storage.HostIds;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/** Starting and stopping real notebook servers from the minimal kernel image, through the API. */
class SpawnerTest {
    private static final String MINIMAL_SMALL = "{\"environment\":\"minimal\",\"profile\":\"small\"}";

    private static TestHub t;
    private static HubClient alice;
    private static HubClient bob;

    @BeforeAll
    static void start() throws Exception {
        t = TestHub.start(Map.of("spawner.max_named_servers", "1"));
        Notebooks.requireMinimal(t);
        alice = t.user("alice", "alice-password-1");
        bob = t.user("bob", "bob-password-12");
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    @Test
    void aStartedServerAnswersOnItsSocketAndItsKernelComputes() throws Exception {
        Notebooks.start(t, alice, "alice", "", MINIMAL_SMALL);
        JsonNode model = Json.MAPPER.readTree(alice.api("GET", "/api/users/alice").body()).path("servers").path("");
        assertThat(model.path("ready").asBoolean()).isTrue();
        assertThat(model.path("url").asString()).isEqualTo("/user/alice/");
        assertThat(model.path("environment").asString()).isEqualTo("minimal");
        assertThat(model.path("profile").asString()).isEqualTo("small");

        Server s = server(t.hub(), "alice", "");
        assertThat(s.state()).isEqualTo(Server.State.RUNNING);
        Path socket = t.hub().spawner().containers().socket(s.key());
        try (NotebookClient nb = new NotebookClient()) {
            assertThat(nb.status(socket, "/user/alice/", t.hub().spawner().tokenOf(s), Duration.ofSeconds(5)).kernels()).isZero();
        }
        Notebooks.Exec kernel = Notebooks.runKernel(t.hub(), s, "1+1", "2");
        assertThat(kernel.exit()).as(kernel.output()).isZero();

        JsonNode user = Json.MAPPER.readTree(alice.api("GET", "/api/users/alice").expectStatus(200).body());
        assertThat(user.path("servers").path("").path("ready").asBoolean()).isTrue();
        assertThat(user.path("servers").path("").path("phase").asString()).isEqualTo("running");

        alice.api("DELETE", "/api/users/alice/server").expectStatus(204);
        Server stopped = server(t.hub(), "alice", "");
        assertThat(stopped.state()).isEqualTo(Server.State.STOPPED);
        assertThat(stopped.stopReason()).isEmpty();
        assertThat(t.hub().podman().client().containers().exists(s.containerId().orElseThrow())).isFalse();
        assertThat(socket).doesNotExist();
        JsonNode after = Json.MAPPER.readTree(alice.api("GET", "/api/users/alice").body());
        assertThat(after.path("servers").path("").path("ready").asBoolean()).isFalse();
        assertThat(after.path("servers").path("").path("phase").asString()).isEqualTo("stopped");
    }

    @Test
    void theContainerHasEveryHardeningSettingAndItHoldsInside() throws Exception {
        Server s = Notebooks.start(t, bob, "bob", "", MINIMAL_SMALL);
        String id = s.containerId().orElseThrow();
        long base = HostIds.base(s.userId());
        try {
            ContainerInfo info = t.hub().podman().client().containers().inspect(id);
            assertThat(info.labels()).containsEntry(NotebookContainers.LABEL_USER, "bob")
                    .containsEntry(NotebookContainers.LABEL_SERVER, "").containsEntry(NotebookContainers.LABEL_ENVIRONMENT, "minimal")
                    .containsEntry(NotebookContainers.LABEL_SERVER_ID, Long.toString(s.id()))
                    .containsKey(NotebookContainers.LABEL_HUB);
            assertThat(info.name()).endsWith("-bob").startsWith("labhub-");
            assertThat(info.user()).isEqualTo("1000:1000");
            assertThat(info.ociRuntime()).isEqualTo("runc");
            assertThat(info.effectiveCaps()).isEmpty();
            ContainerInfo.Host host = info.host();
            assertThat(host.networkMode()).isEqualTo("none");
            assertThat(host.readonlyRootfs()).isTrue();
            assertThat(host.capAdd()).isEmpty();
            assertThat(host.capDrop()).contains("CAP_SETUID", "CAP_NET_RAW", "CAP_DAC_OVERRIDE", "CAP_CHOWN");
            assertThat(host.securityOpt()).contains("no-new-privileges");
            assertThat(host.memory()).isEqualTo(2L << 30);
            assertThat(host.cpuQuota()).isEqualTo(100_000);
            assertThat(host.pidsLimit()).isEqualTo(512);
            assertThat(host.usernsMode()).isEqualTo("private");
            assertThat(host.uidMap()).containsExactly("0:" + base + ":65536");
            assertThat(host.tmpfs()).containsKey("/tmp");
            assertThat(host.binds()).anySatisfy(b -> assertThat(b).startsWith(t.dataRoot().resolve("homes/bob") + ":/home/jovyan:"));
            assertThat(host.binds()).anySatisfy(b -> assertThat(b).startsWith(
                    t.dataRoot().resolve("run/users/bob/default") + ":/run/labhub:"));
            assertThat(host.binds()).hasSize(2);

            Notebooks.Exec inside = exec(id, "sh", "-c", "id -u; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; ls /sys/class/net;"
                    + " touch /usr/x 2>/dev/null || echo root-read-only; echo x > /tmp/f && echo tmp-writable;"
                    + " echo y > /home/jovyan/owned.txt && echo home-writable; cat /proc/self/uid_map");
            assertThat(inside.exit()).as(inside.output()).isZero();
            assertThat(inside.output().lines().toList()).startsWith("1000", "CapEff:\t0000000000000000", "NoNewPrivs:\t1", "lo",
                    "root-read-only", "tmp-writable", "home-writable");
            assertThat(inside.output().lines().reduce((a, b) -> b).orElseThrow().trim()).matches("0\\s+" + base + "\\s+65536");

            // On the host, the user's files belong to the container user's host uid, and nobody else may enter.
            Path home = t.dataRoot().resolve("homes/bob");
            assertThat(Files.getAttribute(home.resolve("owned.txt"), "unix:uid")).isEqualTo((int) HostIds.owner(s.userId()));
            assertThat(Files.getAttribute(home, "unix:uid")).isEqualTo((int) HostIds.owner(s.userId()));
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home))).isEqualTo("rwx------");
            Path socket = t.hub().spawner().containers().socket(s.key());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        } finally {
            bob.api("DELETE", "/api/users/bob/server").expectStatus(204);
        }
    }

    @Test
    void namedServersRunBesideTheDefaultOneUpToTheLimit() throws Exception {
        HubClient carol = t.user("carol", "carol-password-1");
        Server named = Notebooks.start(t, carol, "carol", "analysis", MINIMAL_SMALL);
        assertThat(named.state()).isEqualTo(Server.State.RUNNING);
        assertThat(Notebooks.runKernel(t.hub(), named, "6*7", "42").exit()).isZero();

        HubClient.Res second = carol.api("POST", "/api/users/carol/servers/other", MINIMAL_SMALL).expectStatus(409);
        assertThat(second.body()).contains("named servers, the most allowed");
        carol.api("POST", "/api/users/carol/servers/analysis", MINIMAL_SMALL).expectStatus(409);

        JsonNode user = Json.MAPPER.readTree(carol.api("GET", "/api/users/carol").body());
        assertThat(user.path("servers").path("analysis").path("url").asString()).isEqualTo("/user/carol/analysis/");

        carol.api("DELETE", "/api/users/carol/servers/analysis?remove=true").expectStatus(204);
        assertThat(t.hub().spawner().server(named.key())).isEmpty();
        assertThat(t.hub().podman().client().containers().exists(named.containerId().orElseThrow())).isFalse();
    }

    @Test
    void restartGivesAFreshContainerWithTheSameEnvironment() throws Exception {
        HubClient dave = t.user("dave", "dave-password-12");
        Server first = Notebooks.start(t, dave, "dave", "", MINIMAL_SMALL);
        HubClient.Res restarted = dave.api("POST", "/api/users/dave/server/restart", "{}");
        assertThat(restarted.status()).as(restarted.body()).isIn(200, 202);
        Notebooks.await("the restarted server running", Duration.ofSeconds(90), () -> server(t.hub(), "dave", "").state() == Server.State.RUNNING);
        Server second = server(t.hub(), "dave", "");
        assertThat(second.state()).isEqualTo(Server.State.RUNNING);
        assertThat(second.containerId()).isNotEqualTo(first.containerId());
        assertThat(second.environment()).isEqualTo("minimal");
        assertThat(t.hub().spawner().tokenOf(second)).isNotEqualTo(t.hub().spawner().tokenOf(first));
        dave.api("DELETE", "/api/users/dave/server").expectStatus(204);
    }

    @Test
    void aliceCannotSeeBobsHomeOrSocketNorActOnHisServer() throws Exception {
        HubClient gus = t.user("gus", "gus-password-123");
        HubClient hal = t.user("hal", "hal-password-123");
        Server g = Notebooks.start(t, gus, "gus", "", MINIMAL_SMALL);
        Server h = Notebooks.start(t, hal, "hal", "", MINIMAL_SMALL);
        try {
            assertThat(exec(h.containerId().orElseThrow(), "sh", "-c", "echo s3cret > /home/jovyan/hal-secret.txt").exit()).isZero();
            String probe = "ls -A /home; echo --; ls -A /run/labhub; echo --; grep -c -e hal -e " + t.dataRoot() + " /proc/mounts;"
                    + " echo --; find / -xdev -name 'hal-secret*' 2>/dev/null; find /tmp /home /run -name 'hal-secret*' 2>/dev/null;"
                    + " ls " + t.dataRoot().resolve("homes/hal") + " 2>&1 | head -1";
            Notebooks.Exec seen = exec(g.containerId().orElseThrow(), "sh", "-c", probe);
            List<String> lines = seen.output().lines().toList();
            assertThat(lines).as(seen.output()).startsWith("jovyan", "--", "notebook.sock", "--", "0", "--");
            assertThat(seen.output()).doesNotContain("hal-secret").contains("No such file or directory");
            // Their files belong to disjoint host uid ranges, so even a shared mount would not let one read the other's.
            long gusBase = HostIds.base(g.userId());
            assertThat(HostIds.owner(h.userId()) >= gusBase && HostIds.owner(h.userId()) < gusBase + HostIds.RANGE).isFalse();
            assertThat(Files.getAttribute(t.dataRoot().resolve("homes/hal/hal-secret.txt"), "unix:uid")).isEqualTo((int) HostIds.owner(h.userId()));
            // Through the hub, gus can neither stop, restart nor follow hal's server.
            gus.api("DELETE", "/api/users/hal/server").expectStatus(403);
            gus.api("POST", "/api/users/hal/server/restart", "{}").expectStatus(403);
            gus.get("/api/users/hal/server/progress").expectStatus(403);
            assertThat(server(t.hub(), "hal", "").state()).isEqualTo(Server.State.RUNNING);
        } finally {
            gus.api("DELETE", "/api/users/gus/server").expectStatus(204);
            hal.api("DELETE", "/api/users/hal/server").expectStatus(204);
        }
    }
}
