package org.labhub.spawner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.storage.HostIds;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;

/**
 * A share revoked or narrowed while the recipient's server runs takes effect inside that container without a restart:
 * the ACLs that let bob's uid in are recomputed from the shares that remain (a group share of the same item keeps
 * what it gives).
 */
class ShareRevocationInContainerTest {
    private static final String MINIMAL = "{\"environment\":\"minimal\",\"profile\":\"small\"}";
    private static final String SHARED = "/home/jovyan/shared/alice";

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
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    @Test
    void revokingAndDowngradingReachBobsRunningContainerAtOnceWhileAGroupShareKeepsReading() throws Exception {
        long aliceUid = HostIds.owner(t.hub().catalog().jdbi().withHandle(h ->
                h.createQuery("SELECT id FROM users WHERE name = 'alice'").mapTo(Long.class).one()));
        Path home = t.dataRoot().resolve("homes/alice");
        write(home.resolve("proj/sub/data.txt"), "project data\n", aliceUid);
        write(home.resolve("notes/n.txt"), "notes\n", aliceUid);
        write(home.resolve("both/b.txt"), "both\n", aliceUid);

        admin.api("POST", "/api/groups/lab", "{}").expectStatus(201);
        admin.api("POST", "/api/groups/lab/users", "{\"users\":[\"bob\"]}").expectStatus(200);
        long proj = share("proj", "user", "bob", "write");
        long notes = share("notes", "user", "bob", "write");
        long bothDirect = share("both", "user", "bob", "write");
        share("both", "group", "lab", "read");

        Server s = Notebooks.start(t, bob, "bob", "", MINIMAL);
        String id = s.containerId().orElseThrow();
        try {
            assertThat(run(id, "cat " + SHARED + "/proj/sub/data.txt")).isEqualTo("project data");
            assertThat(run(id, "echo bob >> " + SHARED + "/proj/sub/data.txt && echo ok")).isEqualTo("ok");
            assertThat(run(id, "echo bob >> " + SHARED + "/notes/n.txt && echo ok")).isEqualTo("ok");
            assertThat(run(id, "echo bob >> " + SHARED + "/both/b.txt && echo ok")).isEqualTo("ok");

            // Revoked: by the time DELETE answers, bob's container can no longer read, even deep inside.
            alice.api("DELETE", "/api/shares/" + proj).expectStatus(204);
            assertThat(run(id, "cat " + SHARED + "/proj/sub/data.txt 2>&1")).contains("Permission denied");
            assertThat(run(id, "ls " + SHARED + "/proj 2>&1")).contains("Permission denied");

            // Downgraded to read: reading works, writing stops (the folder at once, files inside within moments).
            alice.api("PATCH", "/api/shares/" + notes, "{\"permissions\":\"read\"}").expectStatus(200);
            assertThat(run(id, "touch " + SHARED + "/notes/new.txt 2>&1")).contains("Permission denied");
            Notebooks.await("bob's write to notes/n.txt refused", Duration.ofSeconds(20),
                    () -> out(id, "echo more >> " + SHARED + "/notes/n.txt 2>&1").contains("Permission denied"));
            assertThat(run(id, "cat " + SHARED + "/notes/n.txt")).startsWith("notes");

            // The direct write share goes; the group's read share of the same folder keeps bob reading.
            alice.api("DELETE", "/api/shares/" + bothDirect).expectStatus(204);
            Notebooks.await("bob's write to both/b.txt refused", Duration.ofSeconds(20),
                    () -> out(id, "echo more >> " + SHARED + "/both/b.txt 2>&1").contains("Permission denied"));
            assertThat(run(id, "cat " + SHARED + "/both/b.txt")).startsWith("both");
            assertThat(home.resolve("proj/sub/data.txt")).hasContent("project data\nbob");
        } finally {
            bob.api("DELETE", "/api/users/bob/server").expectStatus(204);
        }
    }

    private static long share(String path, String kind, String with, String permissions) throws Exception {
        String body = "{\"path\":\"" + path + "\",\"kind\":\"" + kind + "\",\"with\":\"" + with + "\",\"permissions\":\"" + permissions + "\"}";
        return Json.MAPPER.readTree(alice.api("POST", "/api/shares", body).expectStatus(201).body()).path("id").asLong();
    }

    private static String run(String container, String script) throws Exception {
        return Notebooks.exec(container, "sh", "-c", script).output().strip();
    }

    private static String out(String container, String script) {
        try {
            return run(container, script);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
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
