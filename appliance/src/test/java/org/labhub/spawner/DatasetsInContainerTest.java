package org.labhub.spawner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.labhub.spawner.Notebooks.exec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/**
 * Datasets in real containers (real Podman, the minimal kernel image; missing either fails the test): what a user
 * may see is at /data/&lt;name&gt;, readable and read-only; others' group datasets are absent; a dataset whose folder
 * vanished or was swapped for a link before the start is left out without stopping the start.
 */
class DatasetsInContainerTest {
    private static final String MINIMAL = "{\"environment\":\"minimal\",\"profile\":\"small\"}";

    private static TestHub t;
    private static HubClient admin;
    private static HubClient alice;
    private static HubClient bob;

    @BeforeAll
    static void start() throws Exception {
        t = TestHub.start();
        Notebooks.requireMinimal(t);
        admin = t.admin();
        alice = t.user("alice", "alice-password-1");
        bob = t.user("bob", "bob-password-12");
        admin.api("POST", "/api/groups/physics", "{}").expectStatus(201);
        admin.api("POST", "/api/groups/physics/users", "{\"users\":[\"alice\"]}").expectStatus(200);
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    @Test
    void usersSeeTheirDatasetsReadOnlyAtDataAndAVanishedFolderDoesNotStopTheStart() throws Exception {
        Path datasets = t.dataRoot().resolve("datasets");
        register("alpha", folder(datasets.resolve("alpha"), "alpha for everyone"), "");
        register("beta", folder(datasets.resolve("beta"), "beta for physics"), ",\"groups\":[\"physics\"]");
        Path vanishing = folder(datasets.resolve("vanishing"), "soon gone");
        register("vanishing", vanishing, "");
        Path swapped = folder(datasets.resolve("swapped"), "soon a link");
        register("swapped", swapped, "");
        // Then the host changes before anyone starts: one folder is deleted, another replaced by a link to /etc.
        Files.delete(vanishing.resolve("readme.txt"));
        Files.delete(vanishing);
        Files.move(swapped, datasets.resolve("swapped-old"));
        Files.createSymbolicLink(swapped, Path.of("/etc"));

        Server a = Notebooks.start(t, alice, "alice", "", MINIMAL);
        String id = a.containerId().orElseThrow();
        try {
            assertThat(run(id, "ls /data")).isEqualTo("alpha\nbeta");
            assertThat(run(id, "cat /data/alpha/readme.txt")).isEqualTo("alpha for everyone");
            assertThat(run(id, "cat /data/beta/readme.txt")).isEqualTo("beta for physics");
            assertThat(run(id, "touch /data/alpha/new 2>&1 || echo refused")).contains("Read-only file system").endsWith("refused");
            assertThat(run(id, "rm /data/beta/readme.txt 2>&1 || echo refused")).contains("Read-only file system").endsWith("refused");
            assertThat(run(id, "mkdir /data/mine 2>&1 || echo refused")).endsWith("refused");
            assertThat(run(id, "grep -c . /data/swapped/passwd 2>/dev/null || echo absent")).isEqualTo("absent");
            assertThat(datasets.resolve("alpha/new")).doesNotExist();
            assertThat(datasets.resolve("beta/readme.txt")).exists();
        } finally {
            alice.api("DELETE", "/api/users/alice/server").expectStatus(204);
        }

        Server b = Notebooks.start(t, bob, "bob", "", MINIMAL);
        try {
            assertThat(run(b.containerId().orElseThrow(), "ls /data")).isEqualTo("alpha");
        } finally {
            bob.api("DELETE", "/api/users/bob/server").expectStatus(204);
        }
    }

    private static void register(String name, Path folder, String more) {
        admin.api("POST", "/api/datasets", "{\"name\":\"" + name + "\",\"host_path\":\"" + folder + "\"" + more + "}").expectStatus(201);
    }

    /** A folder of data as an admin prepares it: readable by everyone (the containers run as other uids). */
    private static Path folder(Path dir, String text) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("readme.txt"), text + "\n");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("readme.txt"), PosixFilePermissions.fromString("rw-r--r--"));
        return dir.toRealPath();
    }

    private static String run(String container, String script) throws Exception {
        return exec(container, "sh", "-c", script).output().strip();
    }
}
