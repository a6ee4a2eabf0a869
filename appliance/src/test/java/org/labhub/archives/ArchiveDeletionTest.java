package org.labhub.archives;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/** Deleting an archive: only its owner or an admin, everything of it goes at once, and a crash mid-way is finished at start. */
class ArchiveDeletionTest {
    static TestHub hub;
    static HubClient alice;
    static HubClient bob;
    static HubClient carol;
    static HubClient admin;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        alice = hub.user("alice", "alice-password-1");
        bob = hub.user("bob", "bob-password-12");
        carol = hub.user("carol", "carol-password-1");
        admin = hub.admin();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    private static HubClient login(String name, String password) {
        HubClient c = hub.client();
        c.login(name, password).expectStatus(303);
        return c;
    }

    @Test
    void onlyTheOwnerOrAnAdminDeletesAndTheArchiveItsGrantsAndLinksGoAtOnce() throws Exception {
        Archive a = ArchiveImportExportTest.archive(hub, "alice", "doomed");
        alice.api("POST", "/api/archives/" + a.id() + "/grants", "{\"kind\":\"user\",\"with\":\"bob\"}").expectStatus(201);
        String token = alice.api("POST", "/api/archives/" + a.id() + "/links", "{}").expectStatus(201).json("url").substring("/a/".length());
        HubClient visitor = hub.client();
        assertThat(visitor.get("/a/" + token).status()).isEqualTo(200);

        assertThat(hub.client().api("DELETE", "/api/archives/" + a.id()).status()).isIn(401, 404);
        assertThat(carol.api("DELETE", "/api/archives/" + a.id()).status()).isEqualTo(404); // cannot see it
        assertThat(bob.api("DELETE", "/api/archives/" + a.id()).status()).isEqualTo(403);  // sees it, may not delete it
        assertThat(bob.get("/archives/" + a.id()).body()).doesNotContain("Delete archive");
        assertThat(alice.get("/archives/" + a.id()).body()).contains("Delete archive");

        alice.api("DELETE", "/api/archives/" + a.id()).expectStatus(204);
        for (HubClient c : new HubClient[] {alice, bob, admin}) {
            assertThat(c.api("GET", "/api/archives/" + a.id()).status()).isEqualTo(404);
            assertThat(c.getBytes("/api/archives/" + a.id() + "/export").statusCode()).isEqualTo(404);
        }
        assertThat(visitor.get("/a/" + token).status()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(bob.api("GET", "/api/archives").body()).toString()).doesNotContain(a.id());
        assertThat(hub.dataRoot().resolve("archives").resolve(a.id())).doesNotExist();
        assertThat(hub.dataRoot().resolve("archives/.deleting").resolve(a.id())).doesNotExist();
        assertThat(alice.api("DELETE", "/api/archives/" + a.id()).status()).isEqualTo(404);
        JsonNode audit = Json.MAPPER.readTree(admin.api("GET", "/api/audit?limit=50&action=archive.delete").expectStatus(200).body());
        assertThat(audit.toString()).contains(a.id()).contains("alice");

        // the same content can be preserved (here: stored) again, under the same id
        Archive again = ArchiveImportExportTest.archive(hub, "alice", "doomed");
        assertThat(again.id()).isEqualTo(a.id());
        assertThat(alice.api("GET", "/api/archives/" + a.id()).status()).isEqualTo(200);
        admin.api("DELETE", "/api/archives/" + a.id()).expectStatus(204);
    }

    @Test
    void theLandingPageFormDeletesAfterTheBrowserConfirmsAndLandsOnTheList() throws Exception {
        Archive a = ArchiveImportExportTest.archive(hub, "alice", "by-form");
        assertThat(alice.get("/archives/" + a.id()).body()).contains("data-confirm=\"Delete &ldquo;Test by-form&rdquo; for good?");
        assertThat(bob.form("/archives/" + a.id() + "/delete", Map.of()).status()).isEqualTo(404);
        HubClient.Res done = alice.form("/archives/" + a.id() + "/delete", Map.of());
        assertThat(done.status()).isEqualTo(303);
        assertThat(done.location()).endsWith("/archives");
        assertThat(alice.get("/archives").body()).contains("Deleted \u201cTest by-form\u201d.");
        assertThat(alice.get("/archives/" + a.id()).status()).isEqualTo(404);
        // without the form's token the hub refuses, as for every form
        Archive b = ArchiveImportExportTest.archive(hub, "alice", "no-token");
        assertThat(alice.formRaw("/archives/" + b.id() + "/delete", Map.of(), Map.of("Origin", hub.baseUrl())).status()).isEqualTo(403);
        assertThat(alice.api("GET", "/api/archives/" + b.id()).status()).isEqualTo(200);
    }

    @Test
    void aDeletionThatACrashInterruptedIsFinishedAtTheNextStart() throws Exception {
        Archive a = ArchiveImportExportTest.archive(hub, "alice", "interrupted");
        // the state right after the bag was renamed aside and before its row went: what a crash there leaves
        Path bag = hub.dataRoot().resolve("archives").resolve(a.id());
        Path parked = Files.createDirectories(hub.dataRoot().resolve("archives/.deleting")).resolve(a.id());
        Files.setPosixFilePermissions(bag, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.move(bag, parked);
        hub.restart();
        // the other tests' clients log in again (the restarted hub may listen on another port)
        alice = login("alice", "alice-password-1");
        bob = login("bob", "bob-password-12");
        carol = login("carol", "carol-password-1");
        admin = hub.admin();
        assertThat(alice.api("GET", "/api/archives/" + a.id()).status()).isEqualTo(404);
        assertThat(parked).doesNotExist();
        assertThat(bag).doesNotExist();
    }
}
