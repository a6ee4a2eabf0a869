package org.labhub.spawner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.labhub.spawner.Notebooks.exec;
import static org.labhub.spawner.Notebooks.server;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.environments.ProfileStore;
import org.labhub.podman.ContainerStats;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/** Servers that die, are removed from outside, run out of memory or fork without end: the hub sees it and says why. */
class ServerFailuresTest {
    private static final Duration SEEN_WITHIN = Duration.ofSeconds(2);
    private static TestHub t;
    private static HubClient admin;

    @BeforeAll
    static void start() throws Exception {
        t = TestHub.start(Map.of());
        Notebooks.requireMinimal(t);
        admin = t.admin();
        ProfileStore profiles = new ProfileStore(t.hub().catalog().jdbi());
        profiles.insert(new ProfileStore.Fields("tiny", "Tiny", 1, 384L << 20, 96, false, 5, List.of()), Instant.now());
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    private static Server started(String user, String profile) throws Exception {
        HubClient c = t.user(user, user + "-password-1");
        return Notebooks.start(t, c, user, "", "{\"environment\":\"minimal\",\"profile\":\"" + profile + "\"}");
    }

    private static JsonNode model(String user) throws Exception {
        return Json.MAPPER.readTree(admin.api("GET", "/api/users/" + user).expectStatus(200).body()).path("servers").path("");
    }

    @Test
    void aContainerRemovedFromOutsideIsSeenStoppedWithinTwoSeconds() throws Exception {
        Server s = started("rmf", "small");
        String id = s.containerId().orElseThrow();
        Notebooks.Exec rm = Notebooks.run(List.of("podman", "rm", "-f", "-t", "0", id), null);
        // Podman 4.3 may report "device or resource busy" for a container it did remove (kernels/README.md).
        assertThat(rm.exit() == 0 || !t.hub().podman().client().containers().exists(id)).as(rm.output()).isTrue();

        Duration took = Notebooks.await("the server recorded as stopped", SEEN_WITHIN,
                () -> server(t.hub(), "rmf", "").state() == Server.State.STOPPED);

        assertThat(took).isLessThan(SEEN_WITHIN);
        JsonNode m = model("rmf");
        assertThat(m.path("phase").asString()).isEqualTo("stopped");
        assertThat(m.path("stop_reason").asString()).isNotEmpty();
        // The user can start again at once.
        Notebooks.start(t, admin, "rmf", "", "{\"environment\":\"minimal\"}");
        admin.api("DELETE", "/api/users/rmf/server").expectStatus(204);
    }

    @Test
    void aNotebookKilledForLackOfMemoryIsReportedAsSuch() throws Exception {
        Server s = started("oom", "tiny");
        String id = s.containerId().orElseThrow();
        // Make the notebook itself the OOM killer's choice, then ask for more memory than the profile allows.
        String script = "import os\n"
                + "for p in filter(str.isdigit, os.listdir('/proc')):\n"
                + "    try:\n"
                + "        if b'-m\\x00notebook' in open('/proc/%s/cmdline' % p, 'rb').read():\n"
                + "            open('/proc/%s/oom_score_adj' % p, 'w').write('1000')\n"
                + "    except OSError:\n"
                + "        pass\n"
                + "x = bytearray(300 << 20)\n"
                + "y = bytearray(300 << 20)\n";
        exec(id, "python3", "-c", script);

        Notebooks.await("the server recorded as stopped", Duration.ofSeconds(10),
                () -> server(t.hub(), "oom", "").state() == Server.State.STOPPED);
        Server after = server(t.hub(), "oom", "");
        assertThat(after.stopReason()).contains("ran out of memory").contains("tiny profile allows 384M");
        assertThat(model("oom").path("stop_reason").asString()).contains("ran out of memory");
    }

    @Test
    void aProcessKilledForLackOfMemoryInsideARunningServerIsShownToItsUser() throws Exception {
        Server s = started("hog", "tiny");
        Notebooks.Exec hog = exec(s.containerId().orElseThrow(), "python3", "-c", "x = bytearray(500 << 20)");
        assertThat(hog.exit()).isEqualTo(137);

        Notebooks.await("the OOM kill recorded", Duration.ofSeconds(5), () -> server(t.hub(), "hog", "").lastOomAt().isPresent());
        Server after = server(t.hub(), "hog", "");
        assertThat(after.state()).isEqualTo(Server.State.RUNNING);
        assertThat(after.lastOomTask()).contains("python3");
        assertThat(model("hog").path("last_oom").path("task").asString()).isEqualTo("python3");
        admin.api("DELETE", "/api/users/hog/server").expectStatus(204);
    }

    @Test
    void aForkBombStaysInsideItsPidsLimitAndTheHubAndOtherServersCarryOn() throws Exception {
        Server bomber = started("bomber", "tiny");
        Server neighbour = started("neighbour", "small");
        String id = bomber.containerId().orElseThrow();
        // Forks without end, and keeps trying when refused, so it presses against the limit the whole time
        // (the shell's "b() { b | b & }; b" collapses once forks fail, sometimes before reaching the limit).
        String bomb = "import os, time\n"
                + "while True:\n"
                + "    try:\n"
                + "        if os.fork() == 0:\n"
                + "            time.sleep(120)\n"
                + "            os._exit(0)\n"
                + "    except OSError:\n"
                + "        time.sleep(0.005)\n";
        Notebooks.Exec detached = Notebooks.run(List.of("podman", "exec", "-d", id, "python3", "-c", bomb), null);
        assertThat(detached.exit()).as(detached.output()).isZero();

        // Sample until the bomb has filled the limit, then a while longer: it never gets past it.
        long most = 0;
        long filledAt = 0;
        for (long start = System.nanoTime(); System.nanoTime() - start < 20_000_000_000L; ) {
            ContainerStats st = t.hub().podman().client().containers().stats(id);
            most = Math.max(most, st.pids());
            if (most >= 90 && filledAt == 0) {
                filledAt = System.nanoTime();
            }
            if (filledAt != 0 && System.nanoTime() - filledAt > 2_000_000_000L) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(most).as("processes in the bombed container").isLessThanOrEqualTo(96).isGreaterThanOrEqualTo(90);
        // Meanwhile the hub answers, and the neighbour's notebook answers and can still start processes.
        admin.api("GET", "/api/health").expectStatus(200);
        try (NotebookClient nb = new NotebookClient()) {
            nb.status(t.hub().spawner().containers().socket(neighbour.key()), neighbour.key().baseUrl(),
                    t.hub().spawner().tokenOf(neighbour), Duration.ofSeconds(5));
        }
        Notebooks.Exec forks = exec(neighbour.containerId().orElseThrow(), "python3", "-c",
                "import subprocess; print(sum(subprocess.run(['true']).returncode for _ in range(20)))");
        assertThat(forks.output().strip()).isEqualTo("0");

        admin.api("DELETE", "/api/users/bomber/server").expectStatus(204);
        assertThat(t.hub().podman().client().containers().exists(id)).isFalse();
        // A kernel's heartbeat is too slow to check while the bomb keeps a CPU busy; once it is gone, kernels run.
        Notebooks.Exec kernel = Notebooks.runKernel(t.hub(), neighbour, "1+1", "2");
        assertThat(kernel.exit()).as(kernel.output()).isZero();
        admin.api("DELETE", "/api/users/neighbour/server").expectStatus(204);
    }
}
