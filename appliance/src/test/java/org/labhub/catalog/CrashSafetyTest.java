package org.labhub.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.config.SitePaths;
import org.labhub.testing.ForkedJvm;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/** The catalog keeps exactly what was committed when the process dies by {@code kill -9}, round after round. */
class CrashSafetyTest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration EXIT = Duration.ofSeconds(30);
    /** Keeps the forked hub's password hashing cheap, as TestHub does in this JVM. */
    private static final Map<String, String> CHEAP_HASHING = Map.of(
            "LABHUB_AUTH_ARGON2_MEMORY_KIB", "1024", "LABHUB_AUTH_ARGON2_ITERATIONS", "1");

    @TempDir
    Path tmp;

    @Test
    void aKilledProcessLeavesCommittedRowsAndNoUncommittedOnes() throws Exception {
        Path db = tmp.resolve("db");
        for (int round = 1; round <= 5; round++) {
            try (ForkedJvm victim = ForkedJvm.start(CrashVictim.class.getName(), Map.of(), db.toString(), Integer.toString(round))) {
                victim.awaitStdout("READY", START);
                victim.kill9(EXIT);
            }
            List<String> expected = IntStream.rangeClosed(1, round).mapToObj(i -> "a-" + i).toList();
            assertThat(groupNames(db)).as("groups after round %d", round).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    private static List<String> groupNames(Path db) {
        try (Catalog catalog = Catalog.open(db)) {
            return catalog.jdbi().withHandle(h -> h.createQuery("SELECT name FROM user_groups").mapTo(String.class).list());
        }
    }

    @Test
    void aHubKilledWhileHoldingTheDataRootLockDoesNotKeepTheNextHubOut() throws Exception {
        Path root = tmp.resolve("data");
        SitePaths paths = new SitePaths(root);
        try (ForkedJvm hub = ForkedJvm.start("org.labhub.Main", CHEAP_HASHING, "run", "--data", root.toString(), "--port", "0")) {
            hub.awaitStdout("labhub is serving", START);
            assertThatThrownBy(() -> DataRootLock.acquire(paths.lockFile()))
                    .as("the forked hub holds the lock while it runs")
                    .isInstanceOf(DataRootLock.DataRootInUseException.class);
            hub.kill9(EXIT);
        }
        try (TestHub next = TestHub.startOn(root, Map.of())) {
            HubClient admin = next.admin();
            assertThat(admin.api("GET", "/api/user").expectStatus(200).json("name")).isEqualTo("admin");
        }
    }
}
