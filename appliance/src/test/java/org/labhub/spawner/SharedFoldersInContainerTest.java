package org.labhub.spawner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.labhub.spawner.Notebooks.exec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.storage.HostIds;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;

/**
 * What alice shares with bob appears in bob's container at ~/shared/alice/<name>, read-only unless she let him
 * write, while alice's home stays private (0700, her own uid); a link she plants is never mounted; a revoked
 * share is gone after bob's next start.
 */
class SharedFoldersInContainerTest {
    private static final String MINIMAL = "{\"environment\":\"minimal\",\"profile\":\"small\"}";
    private static final String SHARED = "/home/jovyan/shared/alice";

    private static TestHub t;
    private static HubClient alice;
    private static HubClient bob;

    @BeforeAll
    static void start() throws Exception {
        t = TestHub.start();
        Notebooks.requireMinimal(t);
        alice = t.user("alice", "alice-password-1");
        bob = t.user("bob", "bob-password-12");
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    @Test
    void sharesAppearInTheRecipientsContainerWithTheirPermissionsAndGoAfterRevocationAndRestart() throws Exception {
        long aliceUid = HostIds.owner(t.hub().catalog().jdbi().withHandle(h ->
                h.createQuery("SELECT id FROM users WHERE name = 'alice'").mapTo(Long.class).one()));
        Path home = t.dataRoot().resolve("homes/alice");
        // As alice's own notebook would leave them: her uid, her home and folders private, files 0600.
        write(home.resolve("data/hello.txt"), "hello from alice\n", aliceUid);
        write(home.resolve("drop/readme.txt"), "write here\n", aliceUid);
        write(home.resolve("secret.txt"), "not shared\n", aliceUid);
        write(home.resolve("later/x.txt"), "soon a link\n", aliceUid);

        long readShare = share("data", "read");
        share("drop", "write");
        share("later", "read");
        // Then alice's container swaps a shared folder for a link to the host's /etc.
        Path later = home.resolve("later");
        Files.move(later, home.resolve("later-old"));
        Files.createSymbolicLink(later, Path.of("/etc"));

        Server s = Notebooks.start(t, bob, "bob", "", MINIMAL);
        String id = s.containerId().orElseThrow();
        try {
            assertThat(run(id, "ls " + SHARED)).isEqualTo("data\ndrop");
            assertThat(run(id, "cat " + SHARED + "/data/hello.txt")).isEqualTo("hello from alice");
            assertThat(run(id, "touch " + SHARED + "/data/new 2>&1 || echo refused")).contains("Read-only file system").endsWith("refused");
            assertThat(run(id, "echo from bob > " + SHARED + "/drop/from-bob.txt && cat " + SHARED + "/drop/readme.txt"))
                    .isEqualTo("write here");
            assertThat(home.resolve("drop/from-bob.txt")).hasContent("from bob");
            assertThat(run(id, "ls /home/jovyan/shared/alice/../../ 2>&1; cat /home/jovyan/../../etc/hostname 2>/dev/null | wc -c"))
                    .doesNotContain("secret.txt");
            assertThat(run(id, "grep -c . " + SHARED + "/later/passwd 2>/dev/null || echo absent")).isEqualTo("absent");
            assertThat(t.dataRoot().resolve("homes/bob/shared/alice")).doesNotExist();
        } finally {
            bob.api("DELETE", "/api/users/bob/server").expectStatus(204);
        }

        alice.api("DELETE", "/api/shares/" + readShare).expectStatus(204);
        Server again = Notebooks.start(t, bob, "bob", "", MINIMAL);
        try {
            assertThat(run(again.containerId().orElseThrow(), "ls " + SHARED)).isEqualTo("drop");
        } finally {
            bob.api("DELETE", "/api/users/bob/server").expectStatus(204);
        }
    }

    private static long share(String path, String permissions) throws Exception {
        String body = "{\"path\":\"" + path + "\",\"kind\":\"user\",\"with\":\"bob\",\"permissions\":\"" + permissions + "\"}";
        return Json.MAPPER.readTree(alice.api("POST", "/api/shares", body).expectStatus(201).body()).path("id").asLong();
    }

    private static String run(String container, String script) throws Exception {
        Notebooks.Exec e = exec(container, "sh", "-c", script);
        return e.output().strip();
    }

    private static void write(Path file, String text, long uid) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
        for (Path p = file; !p.equals(t.dataRoot().resolve("homes")); p = p.getParent()) {
            Files.setAttribute(p, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", (int) uid, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwx------" : "rw-------"));
        }
    }
}
