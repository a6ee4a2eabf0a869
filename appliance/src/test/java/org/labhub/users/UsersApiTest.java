package org.labhub.users;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

class UsersApiTest {
    static TestHub hub;
    static HubClient admin;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(Map.of("auth.signup", "true"));
        String token = hub.admin().api("POST", "/api/users/admin/tokens", "{\"scopes\":[\"read\",\"admin\",\"tokens\"]}")
                .expectStatus(201).json("token");
        admin = hub.client().withToken(token);
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    private static JsonNode json(HubClient.Res r) {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void theUserModelIsShapedLikeJupyterHubs() {
        admin.api("POST", "/api/users/model1", "{\"password\":\"model1-password\"}").expectStatus(201);
        JsonNode u = json(admin.api("GET", "/api/users/model1").expectStatus(200));
        assertThat(u.path("kind").asString()).isEqualTo("user");
        assertThat(u.path("name").asString()).isEqualTo("model1");
        assertThat(u.path("admin").asBoolean()).isFalse();
        assertThat(u.has("groups") && u.has("servers") && u.has("created") && u.has("last_activity")).isTrue();
        assertThat(u.path("servers").isObject()).isTrue();
    }

    @Test
    void creatingAUserWithoutAPasswordGeneratesOneShownOnce() {
        HubClient.Res r = admin.api("POST", "/api/users/gen1", "{}").expectStatus(201);
        String password = r.json("password");
        assertThat(password).hasSizeGreaterThanOrEqualTo(12);
        hub.client().login("gen1", password).expectStatus(303);
        assertThat(admin.api("GET", "/api/users/gen1").body()).doesNotContain(password);
    }

    @Test
    void badInputIsRefusedWithAMessageThatNamesTheProblem() {
        assertThat(admin.api("POST", "/api/users/Bad.Name", "{}").expectStatus(400).json("message")).contains("lowercase");
        assertThat(admin.api("POST", "/api/users/shortpw", "{\"password\":\"short\"}").expectStatus(400).json("message"))
                .contains("at least 10");
        assertThat(admin.api("POST", "/api/users/typo", "{\"pasword\":\"long-enough-1\"}").expectStatus(400).json("message"))
                .isEqualTo("unknown field \"pasword\"; known fields: admin, password");
        assertThat(admin.api("POST", "/api/users/typo", "{\"admin\":[1,2]}").expectStatus(400).json("message"))
                .isEqualTo("field \"admin\" has the wrong type");
        assertThat(admin.api("POST", "/api/users/typo", "[1]").expectStatus(400).json("message")).doesNotContain("org.labhub", "class ");
        assertThat(admin.api("POST", "/api/users/broken", "{\"password\":").expectStatus(400).json("error")).isEqualTo("bad_request");
        admin.api("POST", "/api/users/dup1", "{}").expectStatus(201);
        assertThat(admin.api("POST", "/api/users/dup1", "{}").expectStatus(409).json("message")).contains("already exists");
        assertThat(admin.api("GET", "/api/users/nobody-here").expectStatus(404).json("error")).isEqualTo("not_found");
    }

    @Test
    void creatingSeveralUsersIsAllOrNothing() {
        admin.api("POST", "/api/users/many-taken", "{}").expectStatus(201);
        admin.api("POST", "/api/users", "{\"usernames\":[\"many-a\",\"many-taken\"]}").expectStatus(409);
        admin.api("GET", "/api/users/many-a").expectStatus(404);
        JsonNode created = json(admin.api("POST", "/api/users", "{\"usernames\":[\"many-a\",\"many-b\"]}").expectStatus(201));
        assertThat(created.size()).isEqualTo(2);
        assertThat(created.get(0).path("password").asString()).isNotEmpty();
    }

    @Test
    void deletingAUserRequiresSayingWhatHappensToTheirFiles() throws Exception {
        admin.api("POST", "/api/users/del-ask", "{}").expectStatus(201);
        assertThat(admin.api("DELETE", "/api/users/del-ask").expectStatus(400).json("message")).contains("files=keep");
        admin.api("GET", "/api/users/del-ask").expectStatus(200);
    }

    @Test
    void deleteWithKeepMovesTheHomeOutOfReachOfANewAccountWithTheSameName() throws Exception {
        admin.api("POST", "/api/users/del-keep", "{}").expectStatus(201);
        Files.writeString(home("del-keep").resolve("thesis.tex"), "chapter 1");
        admin.api("DELETE", "/api/users/del-keep?files=keep").expectStatus(204);
        admin.api("GET", "/api/users/del-keep").expectStatus(404);
        admin.api("POST", "/api/users/del-keep", "{}").expectStatus(201);
        assertThat(home("del-keep").resolve("thesis.tex")).doesNotExist();
        try (var kept = Files.list(hub.dataRoot().resolve("retained-homes"))) {
            Path k = kept.filter(p -> p.getFileName().toString().startsWith("del-keep-")).findFirst().orElseThrow();
            assertThat(Files.readString(k.resolve("thesis.tex"))).isEqualTo("chapter 1");
        }
        assertThat(auditDetail("user.delete", "del-keep")).contains("files kept");
    }

    @Test
    void deleteWithTransferGivesTheFilesToTheRecipient() throws Exception {
        admin.api("POST", "/api/users/del-from", "{}").expectStatus(201);
        admin.api("POST", "/api/users/del-to", "{}").expectStatus(201);
        Files.writeString(home("del-from").resolve("data.csv"), "a,b\n1,2\n");
        assertThat(admin.api("DELETE", "/api/users/del-from?files=transfer").expectStatus(400).json("message")).contains("transfer_to");
        admin.api("DELETE", "/api/users/del-from?files=transfer&transfer_to=nobody-at-all").expectStatus(404);
        admin.api("GET", "/api/users/del-from").expectStatus(200);
        admin.api("DELETE", "/api/users/del-from?files=transfer&transfer_to=del-to").expectStatus(204);
        try (var got = Files.list(home("del-to"))) {
            Path moved = got.filter(p -> p.getFileName().toString().startsWith("from-del-from-")).findFirst().orElseThrow();
            assertThat(Files.readString(moved.resolve("data.csv"))).isEqualTo("a,b\n1,2\n");
        }
        assertThat(auditDetail("user.delete", "del-from")).contains("transferred to del-to");
    }

    @Test
    void deleteWithDeleteRemovesTheFilesAndRecordsIt() throws Exception {
        admin.api("POST", "/api/users/del-gone", "{}").expectStatus(201);
        Files.writeString(home("del-gone").resolve("x.txt"), "x");
        admin.api("DELETE", "/api/users/del-gone?files=delete").expectStatus(204);
        assertThat(home("del-gone")).doesNotExist();
        assertThat(auditDetail("user.delete", "del-gone")).contains("files deleted");
    }

    @Test
    void theLastActiveAdministratorCannotBeDemotedDisabledOrDeleted() {
        admin.api("PATCH", "/api/users/admin", "{\"admin\":false}").expectStatus(409);
        admin.api("POST", "/api/users/second-admin", "{\"admin\":true}").expectStatus(201);
        admin.api("DELETE", "/api/users/second-admin?files=delete").expectStatus(204);
        JsonNode me = json(admin.api("GET", "/api/user").expectStatus(200));
        assertThat(me.path("admin").asBoolean()).isTrue();
    }

    @Test
    void aTokenCanBeBootstrappedWithBasicAuthOnlyOnTheTokenEndpoint() {
        admin.api("POST", "/api/users/basic1", "{\"password\":\"basic1-password\"}").expectStatus(201);
        String basic = "Basic " + Base64.getEncoder().encodeToString("basic1:basic1-password".getBytes(StandardCharsets.UTF_8));
        HubClient anon = hub.client();
        HubClient.Res created = anon.send(HttpRequest.newBuilder(java.net.URI.create(hub.baseUrl() + "/api/users/basic1/tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"scopes\":[\"read\"],\"note\":\"laptop\"}")),
                Map.of("Authorization", basic, "Content-Type", "application/json")).expectStatus(201);
        String token = created.json("token");
        assertThat(token).startsWith("lh_");
        assertThat(hub.client().withToken(token).api("GET", "/api/user").expectStatus(200).json("name")).isEqualTo("basic1");
        anon.send(HttpRequest.newBuilder(java.net.URI.create(hub.baseUrl() + "/api/user")).GET(), Map.of("Authorization", basic))
                .expectStatus(401);
        String wrong = "Basic " + Base64.getEncoder().encodeToString("basic1:wrong-password".getBytes(StandardCharsets.UTF_8));
        anon.send(HttpRequest.newBuilder(java.net.URI.create(hub.baseUrl() + "/api/users/basic1/tokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")), Map.of("Authorization", wrong, "Content-Type", "application/json"))
                .expectStatus(401);
    }

    @Test
    void tokensAreStoredHashedListedWithoutTheSecretAndRevocable() throws Exception {
        admin.api("POST", "/api/users/tok1", "{}").expectStatus(201);
        HubClient.Res created = admin.api("POST", "/api/users/tok1/tokens", "{\"scopes\":[\"read\"]}").expectStatus(201);
        String token = created.json("token");
        String id = created.json("id");
        HubClient user = hub.client().withToken(token);
        user.api("GET", "/api/user").expectStatus(200);
        assertThat(admin.api("GET", "/api/users/tok1/tokens").expectStatus(200).body()).doesNotContain(token).contains(token.substring(0, 8));
        int storedInClear = hub.hub().catalog().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM api_tokens WHERE token_hash = :t")
                .bind("t", token).mapTo(Integer.class).one());
        assertThat(storedInClear).isZero();
        admin.api("DELETE", "/api/users/tok1/tokens/" + id).expectStatus(204);
        user.api("GET", "/api/user").expectStatus(401);
    }

    @Test
    void onlyAdministratorsMayHoldAdminScopedTokens() {
        admin.api("POST", "/api/users/scoped1", "{}").expectStatus(201);
        assertThat(admin.api("POST", "/api/users/scoped1/tokens", "{\"scopes\":[\"admin\"]}").expectStatus(403).json("message"))
                .contains("admin");
        assertThat(admin.api("POST", "/api/users/scoped1/tokens", "{\"scopes\":[\"everything\"]}").expectStatus(400).json("message"))
                .contains("unknown scope");
        assertThat(admin.api("POST", "/api/users/scoped1/tokens", "{\"expires_in\":-5}").expectStatus(400).json("message"))
                .contains("expires_in");
    }

    @Test
    void groupsCanBeCreatedFilledAndEmptiedAndUnknownMembersChangeNothing() {
        admin.api("POST", "/api/users/g-ann", "{}").expectStatus(201);
        admin.api("POST", "/api/users/g-ben", "{}").expectStatus(201);
        admin.api("POST", "/api/groups/optics", "{\"description\":\"Optics lab\"}").expectStatus(201);
        admin.api("POST", "/api/groups/optics", "{}").expectStatus(409);
        admin.api("POST", "/api/groups/optics/users", "{\"users\":[\"g-ann\",\"g-nobody\"]}").expectStatus(404);
        assertThat(json(admin.api("GET", "/api/groups/optics")).path("users").size()).isZero();
        JsonNode g = json(admin.api("POST", "/api/groups/optics/users", "{\"users\":[\"g-ann\",\"g-ben\"]}").expectStatus(200));
        assertThat(g.path("users").toString()).isEqualTo("[\"g-ann\",\"g-ben\"]");
        assertThat(json(admin.api("GET", "/api/users/g-ann")).path("groups").toString()).isEqualTo("[\"optics\"]");
        admin.api("DELETE", "/api/groups/optics/users", "{\"users\":[\"g-ann\"]}").expectStatus(200);
        assertThat(json(admin.api("GET", "/api/groups/optics")).path("users").toString()).isEqualTo("[\"g-ben\"]");
        admin.api("DELETE", "/api/groups/optics").expectStatus(204);
        admin.api("GET", "/api/groups/optics").expectStatus(404);
        admin.api("GET", "/api/users/g-ben").expectStatus(200);
        assertThat(admin.api("POST", "/api/groups/BAD", "{}").expectStatus(400).json("message")).contains("lowercase");
    }

    @Test
    void selfSignupCreatesAPendingAccountThatCanLogInOnlyAfterApproval() {
        HubClient visitor = hub.client();
        visitor.get("/signup").expectStatus(200);
        visitor.form("/signup", Map.of("username", "newcomer", "password", "newcomer-password", "confirm", "newcomer-password"))
                .expectStatus(303);
        assertThat(json(admin.api("GET", "/api/users/newcomer")).path("state").asString()).isEqualTo("pending");
        hub.client().login("newcomer", "newcomer-password").expectStatus(401);
        admin.api("PATCH", "/api/users/newcomer", "{\"disabled\":false}").expectStatus(200);
        hub.client().login("newcomer", "newcomer-password").expectStatus(303);
    }

    @Test
    void workshopModeCreatesExpiringAccountsWithPasswords() {
        JsonNode sheet = json(admin.api("POST", "/api/workshop",
                "{\"prefix\":\"summer\",\"count\":3,\"expires_at\":\"2099-01-01T00:00:00Z\"}").expectStatus(201));
        assertThat(sheet.path("accounts").size()).isEqualTo(3);
        JsonNode first = sheet.path("accounts").get(0);
        assertThat(first.path("name").asString()).isEqualTo("summer-01");
        hub.client().login("summer-01", first.path("password").asString()).expectStatus(303);
        assertThat(json(admin.api("GET", "/api/users/summer-02")).path("expires_at").asString()).startsWith("2099-01-01");
        admin.api("POST", "/api/workshop", "{\"prefix\":\"past\",\"count\":2,\"expires_at\":\"2001-01-01T00:00:00Z\"}").expectStatus(400);
        admin.api("POST", "/api/workshop", "{\"prefix\":\"huge\",\"count\":100000,\"expires_at\":\"2099-01-01T00:00:00Z\"}").expectStatus(400);
    }

    @Test
    void anExpiredWorkshopAccountCannotLogIn() {
        admin.api("POST", "/api/workshop", "{\"prefix\":\"brief\",\"count\":1,\"expires_at\":\""
                + java.time.Instant.now().plusSeconds(1) + "\"}").expectStatus(201);
        // Reset the password to a known one, then wait past the expiry.
        admin.api("PATCH", "/api/users/brief-01", "{\"password\":\"brief-password-1\"}").expectStatus(200);
        java.time.Instant deadline = java.time.Instant.now().plusSeconds(10);
        int status;
        do {
            status = hub.client().login("brief-01", "brief-password-1").status();
        } while (status == 303 && java.time.Instant.now().isBefore(deadline));
        assertThat(status).isEqualTo(401);
    }

    @Test
    void everyAdminChangeIsAudited() {
        admin.api("POST", "/api/users/audited", "{}").expectStatus(201);
        admin.api("PATCH", "/api/users/audited", "{\"admin\":true}").expectStatus(200);
        admin.api("PATCH", "/api/users/audited", "{\"disabled\":true}").expectStatus(200);
        String log = admin.api("GET", "/api/audit?limit=200").expectStatus(200).body();
        assertThat(log).contains("\"action\":\"user.create\",\"target\":\"audited\"")
                .contains("\"action\":\"user.grant_admin\",\"target\":\"audited\"")
                .contains("\"action\":\"user.disable\",\"target\":\"audited\"");
        assertThat(admin.api("GET", "/api/audit?limit=0").status()).isEqualTo(400);
    }

    private static Path home(String user) {
        return hub.dataRoot().resolve("homes").resolve(user);
    }

    private static String auditDetail(String action, String target) {
        for (JsonNode e : json(admin.api("GET", "/api/audit?limit=500&action=" + action).expectStatus(200))) {
            if (e.path("target").asString().equals(target)) {
                return e.path("detail").asString();
            }
        }
        throw new AssertionError("no " + action + " event for " + target);
    }
}
