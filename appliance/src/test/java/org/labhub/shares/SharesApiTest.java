package org.labhub.shares;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/** {@code /api/shares}: every field checked with a message that names it, others' shares invisible, every change audited. */
class SharesApiTest {
    static TestHub hub;
    static People people;
    static HubClient alice;
    static HubClient bob;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(Map.of());
        people = new People(hub);
        alice = people.user("alice");
        bob = people.user("bob");
        people.user("carol");
        people.admin().api("POST", "/api/groups/physics", "{}").expectStatus(201);
        people.file("alice", "data/x.csv");
        people.file("alice", "notes.txt");
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    private static String refused(int status, String body) {
        return alice.api("POST", "/api/shares", body).expectStatus(status).json("message");
    }

    private static JsonNode json(HubClient.Res r) {
        return Json.MAPPER.readTree(r.body());
    }

    private static String audit(String action, String target) {
        JsonNode events = json(people.admin().api("GET", "/api/audit?limit=200&action=" + action).expectStatus(200));
        for (JsonNode e : events) {
            if (e.path("target").asString().equals(target)) {
                return e.path("actor").asString() + " " + e.path("detail").asString();
            }
        }
        throw new AssertionError("no " + action + " event for " + target + " in " + events);
    }

    @Test
    void badRequestsAreRefusedWithAMessageThatNamesTheProblem() {
        assertThat(refused(400, People.share("data", "user", "bob", "[\"read\",\"fly\"]"))).contains("unknown permission \"fly\"");
        assertThat(refused(400, People.share("data", "person", "bob", null))).contains("\"kind\" is user, group or link");
        assertThat(refused(400, "{\"kind\":\"user\",\"with\":\"bob\"}")).contains("\"path\"");
        assertThat(refused(400, People.share("data", "user", null, null))).contains("\"with\"");
        assertThat(refused(404, People.share("data", "user", "nobody", null))).contains("no user named \"nobody\"");
        assertThat(refused(404, People.share("data", "group", "nogroup", null))).contains("no group named \"nogroup\"");
        assertThat(refused(400, People.share("../bob/data", "user", "bob", null))).contains("\"..\" is not allowed");
        assertThat(refused(400, People.share("data\\u0000x", "user", "bob", null))).contains("NUL");
        assertThat(refused(404, People.share("missing", "user", "bob", null))).contains("nothing at /alice/missing");
        assertThat(refused(400, People.share("", "user", "bob", null))).contains("not the home itself");
        assertThat(refused(400, People.share("data", "user", "alice", null))).contains("yourself");
        assertThat(refused(400, People.share("data", "user", "bob", "[\"write\"]").replace("}", ",\"colour\":\"red\"}")))
                .startsWith("unknown field \"colour\"");
        assertThat(refused(400, People.share("data", "user", "bob", "[]"))).contains("cannot be empty");
        assertThat(refused(400, People.share("data", "user", "bob", "\"upload\""))).contains("includes read");
        assertThat(refused(400, People.share("data", "user", "bob", null).replace("}", ",\"expires\":\"2001-01-01T00:00:00Z\"}")))
                .contains("in the future");
        assertThat(refused(400, People.share("data", "user", "bob", null).replace("}", ",\"expires\":\"next week\"}")))
                .contains("ISO-8601");
        assertThat(refused(400, People.share("data", "user", "bob", null).replace("}", ",\"password\":\"long-enough\"}")))
                .contains("only links");
        assertThat(refused(400, People.share("data", "link", "bob", null))).contains("leave out \"with\"");
        assertThat(refused(400, People.share("data", "user", "bob", null).replace("}", ",\"name\":\"a/b\"}"))).contains("\"name\"");
        assertThat(refused(400, People.share("shared", "user", "bob", null))).contains("not an item");
        assertThat(refused(404, "{\"owner\":\"carol\",\"path\":\"anything\",\"kind\":\"user\",\"with\":\"bob\"}")).contains("nothing at");
        String id = alice.api("POST", "/api/shares", People.share("notes.txt", "user", "carol", null)).expectStatus(201).json("id");
        assertThat(refused(409, People.share("notes.txt", "user", "carol", "\"write\""))).contains("already shared");
        assertThat(alice.api("PATCH", "/api/shares/" + id, "{}").expectStatus(400).json("message")).contains("nothing to change");
        assertThat(alice.api("PATCH", "/api/shares/" + id, "{\"password\":\"long-enough\"}").expectStatus(400).json("message"))
                .contains("only links");
        assertThat(alice.api("PATCH", "/api/shares/" + id, "{\"permissions\":[\"reshare\"]}").expectStatus(400).json("message"))
                .contains("includes read");
    }

    @Test
    void anonymousCallersAreAskedToLogIn() {
        HubClient anonymous = hub.client();
        anonymous.api("GET", "/api/shares").expectStatus(401);
        anonymous.api("GET", "/api/shares/incoming").expectStatus(401);
    }

    @Test
    void othersCannotSeeChangeOrRevokeYourShares() {
        String id = alice.api("POST", "/api/shares", People.share("data", "group", "physics", null)).expectStatus(201).json("id");
        assertThat(json(bob.api("GET", "/api/shares").expectStatus(200)).toString()).doesNotContain("physics");
        assertThat(bob.api("PATCH", "/api/shares/" + id, "{\"permissions\":\"write\"}").expectStatus(404).json("message"))
                .isEqualTo(bob.api("PATCH", "/api/shares/987654", "{\"permissions\":\"write\"}").expectStatus(404).json("message")
                        .replace("987654", id));
        bob.api("DELETE", "/api/shares/" + id).expectStatus(404);
        bob.api("DELETE", "/api/shares/not-a-number").expectStatus(404);
        assertThat(json(alice.api("GET", "/api/shares?path=data").expectStatus(200)).toString()).contains("physics");
        assertThat(json(alice.api("GET", "/api/shares?path=notes.txt").expectStatus(200)).toString()).doesNotContain("physics");
        alice.api("GET", "/api/shares?path=../x").expectStatus(400);
    }

    @Test
    void aReadScopedTokenCannotShare() {
        HubClient readOnly = people.token("alice", "\"read\"");
        readOnly.api("GET", "/api/shares").expectStatus(200);
        assertThat(readOnly.api("POST", "/api/shares", People.share("data", "user", "bob", null)).expectStatus(403).json("message"))
                .contains("files");
    }

    @Test
    void anAdministratorMayRevokeAnyShareAndItIsAudited() {
        String id = alice.api("POST", "/api/shares", People.share("data/x.csv", "user", "bob", null)).expectStatus(201).json("id");
        people.admin().api("DELETE", "/api/shares/" + id).expectStatus(204);
        bob.api("GET", "/api/shares/incoming").expectStatus(200);
        assertThat(audit("share.revoke", "alice:/data/x.csv")).startsWith("admin ").contains("revoked by an administrator")
                .contains("with=bob");
    }

    @Test
    void creatingChangingAndRevokingASharesAreAudited() throws Exception {
        people.file("alice", "audited/a.txt");
        String expires = Instant.now().plusSeconds(86400).toString();
        String id = alice.api("POST", "/api/shares", People.share("audited", "user", "bob", "[\"read\"]")).expectStatus(201).json("id");
        assertThat(audit("share.create", "alice:/audited")).isEqualTo("alice id=" + id
                + " owner=alice path=/audited kind=user with=bob permissions=read");
        JsonNode updated = json(alice.api("PATCH", "/api/shares/" + id, "{\"permissions\":\"write\",\"expires\":\"" + expires + "\"}")
                .expectStatus(200));
        assertThat(updated.path("permissions").toString()).isEqualTo("[\"read\",\"create\",\"update\",\"delete\"]");
        assertThat(audit("share.update", "alice:/audited")).contains("permissions read -> read,create,update,delete").contains("expires");
        alice.api("PATCH", "/api/shares/" + id, "{\"expires\":\"\"}").expectStatus(200);
        alice.api("DELETE", "/api/shares/" + id).expectStatus(204);
        assertThat(audit("share.revoke", "alice:/audited")).startsWith("alice id=" + id).contains("kind=user with=bob");
        alice.api("DELETE", "/api/shares/" + id).expectStatus(404);
    }
}
