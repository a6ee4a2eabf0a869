package org.labhub.shares;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.files.FileNamespace;
import org.labhub.files.Permission;
import org.labhub.files.Target;
import org.labhub.storage.RelPath;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.HttpError;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/** What shares give, to whom, and for how long, seen through the file namespace every file route uses. */
class SharingRulesTest {
    static TestHub hub;
    static People people;
    static FileNamespace files;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(Map.of());
        people = new People(hub);
        files = hub.hub().sharing().files();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    private static Set<Permission> held(String caller, String owner, String path) {
        Target t = files.resolve(caller, owner, RelPath.parse(path));
        return ((Target.Real) t).permissions();
    }

    private static void invisible(String caller, String owner, String path) {
        assertThatThrownBy(() -> files.resolve(caller, owner, RelPath.parse(path)))
                .isInstanceOfSatisfying(HttpError.class, e -> assertThat(e.status()).isEqualTo(404));
    }

    private static JsonNode json(HubClient.Res r) {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void aReadOnlyShareGivesTheRecipientReadAloneAndRevocationIsSeenOnTheNextCall() throws Exception {
        HubClient alice = people.user("alice1");
        HubClient bob = people.user("bob1");
        people.user("carol1");
        people.file("alice1", "data/x.csv");
        String id = alice.api("POST", "/api/shares", People.share("data", "user", "bob1", "[\"read\"]")).expectStatus(201).json("id");

        assertThat(held("bob1", "alice1", "data/x.csv")).containsExactly(Permission.READ);
        invisible("carol1", "alice1", "data/x.csv");
        invisible("bob1", "alice1", "other");
        JsonNode incoming = json(bob.api("GET", "/api/shares/incoming").expectStatus(200));
        assertThat(incoming.size()).isEqualTo(1);
        assertThat(incoming.get(0).path("owner").asString()).isEqualTo("alice1");
        assertThat(incoming.get(0).path("location").asString()).isEqualTo("shared/alice1/data");
        assertThat(incoming.get(0).path("permissions").toString()).isEqualTo("[\"read\"]");
        assertThat(((Target.Real) files.resolve("bob1", "bob1", RelPath.parse("shared/alice1/data/x.csv"))).location().toString())
                .isEqualTo("alice1:/data/x.csv");

        alice.api("DELETE", "/api/shares/" + id).expectStatus(204);
        invisible("bob1", "alice1", "data/x.csv");
        assertThat(json(bob.api("GET", "/api/shares/incoming").expectStatus(200)).size()).isZero();
    }

    @Test
    void aGroupShareReachesItsMembersAndLeavingTheGroupEndsAccessAtOnce() throws Exception {
        HubClient alice = people.user("alice2");
        people.user("bob2");
        people.user("dave2");
        people.file("alice2", "lab/notes.txt");
        people.admin().api("POST", "/api/groups/optics2", "{}").expectStatus(201);
        people.admin().api("POST", "/api/groups/optics2/users", "{\"users\":[\"bob2\"]}").expectStatus(200);
        alice.api("POST", "/api/shares", People.share("lab", "group", "optics2", "\"write\"")).expectStatus(201);

        assertThat(held("bob2", "alice2", "lab/notes.txt")).isEqualTo(Permission.readWrite());
        invisible("dave2", "alice2", "lab");
        people.admin().api("POST", "/api/groups/optics2/users", "{\"users\":[\"dave2\"]}").expectStatus(200);
        assertThat(held("dave2", "alice2", "lab")).isEqualTo(Permission.readWrite());

        people.admin().api("DELETE", "/api/groups/optics2/users", "{\"users\":[\"bob2\"]}").expectStatus(200);
        invisible("bob2", "alice2", "lab/notes.txt");
        people.admin().api("DELETE", "/api/groups/optics2").expectStatus(204);
        invisible("dave2", "alice2", "lab");
    }

    @Test
    void aRecipientCanReshareNoMoreThanTheyHoldAndRevokingTheOriginalRemovesTheReshare() throws Exception {
        HubClient alice = people.user("alice3");
        HubClient bob = people.user("bob3");
        HubClient carol = people.user("carol3");
        people.user("dave3");
        people.file("alice3", "data/sub/x.csv");
        String original = alice.api("POST", "/api/shares", People.share("data", "user", "bob3", "[\"read\",\"reshare\"]"))
                .expectStatus(201).json("id");

        // bob names the item as he sees it, under shared/, or by its owner and path: both are alice's data.
        JsonNode reshare = json(bob.api("POST", "/api/shares", People.share("shared/alice3/data", "user", "carol3", "[\"read\"]"))
                .expectStatus(201));
        assertThat(reshare.path("owner").asString()).isEqualTo("alice3");
        assertThat(reshare.path("shared_by").asString()).isEqualTo("bob3");
        assertThat(reshare.path("parent").asString()).isEqualTo(original);
        assertThat(held("carol3", "alice3", "data/sub/x.csv")).containsExactly(Permission.READ);

        assertThat(bob.api("POST", "/api/shares", "{\"owner\":\"alice3\",\"path\":\"data/sub\",\"kind\":\"user\",\"with\":\"dave3\","
                + "\"permissions\":\"write\"}").expectStatus(403).json("message")).contains("cannot give more");
        carol.api("POST", "/api/shares", People.share("shared/alice3/data", "user", "dave3", "[\"read\"]")).expectStatus(403);
        carol.api("POST", "/api/shares", "{\"owner\":\"alice3\",\"path\":\"data\",\"kind\":\"user\",\"with\":\"dave3\","
                + "\"permissions\":[\"read\",\"reshare\"]}").expectStatus(403);
        bob.api("POST", "/api/shares", "{\"owner\":\"alice3\",\"path\":\"private\",\"kind\":\"user\",\"with\":\"dave3\"}")
                .expectStatus(404);
        bob.api("POST", "/api/shares", People.share("shared/alice3/data", "link", null, "\"write\"")).expectStatus(403);
        invisible("dave3", "alice3", "data");

        alice.api("DELETE", "/api/shares/" + original).expectStatus(204);
        invisible("carol3", "alice3", "data/sub/x.csv");
        carol.api("GET", "/api/shares/incoming").expectStatus(200);
        assertThat(json(bob.api("GET", "/api/shares").expectStatus(200)).size()).as("the reshare went with its parent").isZero();
    }

    @Test
    void loweringAShareCarriesDownToItsReshares() throws Exception {
        HubClient alice = people.user("alice4");
        HubClient bob = people.user("bob4");
        people.user("carol4");
        people.file("alice4", "set/a.txt");
        String original = alice.api("POST", "/api/shares", People.share("set", "user", "bob4", "[\"write\",\"reshare\"]"))
                .expectStatus(201).json("id");
        bob.api("POST", "/api/shares", People.share("shared/alice4/set", "user", "carol4", "[\"write\"]")).expectStatus(201);
        assertThat(held("carol4", "alice4", "set")).isEqualTo(Permission.readWrite());

        alice.api("PATCH", "/api/shares/" + original, "{\"permissions\":[\"read\",\"reshare\"]}").expectStatus(200);
        assertThat(held("carol4", "alice4", "set")).containsExactly(Permission.READ);
        alice.api("PATCH", "/api/shares/" + original, "{\"permissions\":[\"read\"]}").expectStatus(200);
        invisible("carol4", "alice4", "set");
        assertThat(held("bob4", "alice4", "set")).isEqualTo(EnumSet.of(Permission.READ));
    }

    @Test
    void movingOrDeletingAnItemTakesItsSharesAlong() throws Exception {
        HubClient alice = people.user("alice5");
        people.user("bob5");
        people.file("alice5", "old/inner/f.txt");
        alice.api("POST", "/api/shares", People.share("old/inner", "user", "bob5", null)).expectStatus(201);
        Shares shares = hub.hub().sharing().shares();

        shares.moved("alice5", RelPath.parse("old"), RelPath.parse("new"));
        assertThat(held("bob5", "alice5", "new/inner/f.txt")).containsExactly(Permission.READ);
        invisible("bob5", "alice5", "old/inner/f.txt");

        shares.deleted("alice5", RelPath.parse("new"));
        invisible("bob5", "alice5", "new/inner/f.txt");
        assertThat(shares.outgoing("alice5", java.util.Optional.empty())).isEmpty();
    }

    @Test
    void deletingTheRecipientsAccountRemovesTheShare() throws Exception {
        HubClient alice = people.user("alice6");
        people.user("bob6");
        people.file("alice6", "doc.txt");
        alice.api("POST", "/api/shares", People.share("doc.txt", "user", "bob6", null)).expectStatus(201);
        people.admin().api("DELETE", "/api/users/bob6?files=delete").expectStatus(204);
        assertThat(json(alice.api("GET", "/api/shares").expectStatus(200)).size()).isZero();
    }

    @Test
    void aQuotaOverrideIsKeptPerUserAndGoesWithTheAccount() {
        people.user("quota7");
        org.labhub.users.QuotaStore quotas = new org.labhub.users.QuotaStore(hub.hub().catalog().jdbi());
        long id = hub.hub().catalog().jdbi().withHandle(h -> h.createQuery("SELECT id FROM users WHERE name = 'quota7'")
                .mapTo(Long.class).one());
        assertThat(quotas.quotaOverride(id)).isEmpty();
        quotas.setQuota(id, java.util.Optional.of(5_000_000L));
        quotas.setQuota(id, java.util.Optional.of(7_000_000L));
        assertThat(quotas.quotaOverride(id)).contains(7_000_000L);
        people.admin().api("DELETE", "/api/users/quota7?files=delete").expectStatus(204);
        assertThat(quotas.quotaOverride(id)).isEmpty();
    }
}
