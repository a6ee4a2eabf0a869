package org.labhub.environments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/** {@code /api/profiles…} and the admin page's forms, against a real hub and Derby. */
class ProfilesApiTest {
    static TestHub hub;
    static HubClient admin;
    static HubClient adminPages;
    static HubClient alice;
    static HubClient bob;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        adminPages = hub.admin();
        String token = adminPages.api("POST", "/api/users/admin/tokens", "{\"scopes\":[\"read\",\"admin\",\"tokens\"]}")
                .expectStatus(201).json("token");
        admin = hub.client().withToken(token);
        alice = tokenOf("alice");
        bob = tokenOf("bob");
        admin.api("POST", "/api/groups/physics", "{}").expectStatus(201);
        admin.api("POST", "/api/groups/physics/users", "{\"users\":[\"bob\"]}").expectStatus(200);
    }

    private static HubClient tokenOf(String user) {
        admin.api("POST", "/api/users/" + user, "{\"password\":\"" + user + "-password-1\"}").expectStatus(201);
        return hub.client().withToken(admin.api("POST", "/api/users/" + user + "/tokens", "{\"scopes\":[\"read\"]}")
                .expectStatus(201).json("token"));
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    private static JsonNode json(HubClient.Res r) {
        return Json.MAPPER.readTree(r.body());
    }

    private static JsonNode profile(HubClient who, String name) {
        for (JsonNode p : json(who.api("GET", "/api/profiles").expectStatus(200))) {
            if (p.path("name").asString().equals(name)) {
                return p;
            }
        }
        return null;
    }

    private static List<String> names(HubClient who) {
        List<String> out = new ArrayList<>();
        json(who.api("GET", "/api/profiles").expectStatus(200)).values().forEach(p -> out.add(p.path("name").asString()));
        return out;
    }

    private static String create(String json) {
        return admin.api("POST", "/api/profiles", json).body();
    }

    @Test
    void aFreshHubOffersSmallAsTheDefaultAndLargeToEveryone() {
        JsonNode small = profile(alice, "small");
        assertThat(small.toString()).isEqualTo("{\"name\":\"small\",\"display_name\":\"Small: 1 CPU, 2 GB\",\"cpus\":1.0,"
                + "\"memory\":2147483648,\"memory_text\":\"2G\",\"pids_limit\":512,\"default\":true,\"sort_order\":0,\"groups\":[]}");
        JsonNode large = profile(alice, "large");
        assertThat(large.path("memory_text").asString()).isEqualTo("8G");
        assertThat(large.path("default").asBoolean()).isFalse();
        assertThat(names(alice)).startsWith("small", "large");
    }

    @Test
    void anAdminCreatesAProfileWithMemoryWrittenAsPeopleWriteIt() {
        JsonNode p = json(admin.api("POST", "/api/profiles", "{\"name\":\"medium\",\"display_name\":\"Medium: 2 CPUs, 4 GB\","
                + "\"cpus\":2,\"memory\":\"4G\",\"pids_limit\":768,\"sort_order\":5}").expectStatus(201));

        assertThat(p.path("name").asString()).isEqualTo("medium");
        assertThat(p.path("display_name").asString()).isEqualTo("Medium: 2 CPUs, 4 GB");
        assertThat(p.path("cpus").asDouble()).isEqualTo(2.0);
        assertThat(p.path("memory").asLong()).isEqualTo(4L << 30);
        assertThat(p.path("memory_text").asString()).isEqualTo("4G");
        assertThat(p.path("pids_limit").asInt()).isEqualTo(768);
        assertThat(p.path("sort_order").asInt()).isEqualTo(5);
        assertThat(p.path("default").asBoolean()).isFalse();
        assertThat(profile(alice, "medium")).isEqualTo(p);
        assertThat(admin.api("GET", "/api/audit?action=profile.create").body()).contains("\"target\":\"medium\"").contains("2.0 CPUs, 4G");

        JsonNode half = json(admin.api("POST", "/api/profiles", "{\"name\":\"half\",\"cpus\":0.5,\"memory\":\"512M\"}").expectStatus(201));
        assertThat(half.path("memory").asLong()).isEqualTo(512L << 20);
        assertThat(half.path("memory_text").asString()).isEqualTo("512M");
        assertThat(half.path("display_name").asString()).isEqualTo("half");
        assertThat(half.path("pids_limit").asInt()).isEqualTo(512);
        JsonNode odd = json(admin.api("POST", "/api/profiles", "{\"name\":\"odd\",\"cpus\":1.5,\"memory\":\"1.5g\"}").expectStatus(201));
        assertThat(odd.path("memory").asLong()).isEqualTo(1536L << 20);
        assertThat(odd.path("memory_text").asString()).isEqualTo("1.5G");
    }

    @Test
    void badProfilesAreRefusedNamingTheProblemAndNothingIsCreated() {
        assertThat(json(admin.api("POST", "/api/profiles", "{\"name\":\"m1\",\"cpus\":1,\"memory\":\"lots\"}").expectStatus(400))
                .path("message").asString()).isEqualTo("memory: expected a size such as 512M, 2G or 1.5G (got \"lots\")");
        assertThat(json(admin.api("POST", "/api/profiles", "{\"name\":\"m1\",\"cpus\":1,\"memory\":\"32M\"}").expectStatus(400))
                .path("message").asString()).isEqualTo("memory must be at least 64M");
        assertThat(admin.api("POST", "/api/profiles", "{\"name\":\"m1\",\"cpus\":0,\"memory\":\"1G\"}").expectStatus(400).json("message"))
                .isEqualTo("cpus must be more than 0 and at most 256");
        assertThat(admin.api("POST", "/api/profiles", "{\"name\":\"m1\",\"memory\":\"1G\"}").expectStatus(400).json("message"))
                .isEqualTo("give cpus, e.g. 1 or 0.5");
        assertThat(admin.api("POST", "/api/profiles", "{\"name\":\"m1\",\"cpus\":1}").expectStatus(400).json("message"))
                .isEqualTo("give memory, e.g. 2G or 512M");
        assertThat(admin.api("POST", "/api/profiles", "{\"name\":\"m1\",\"cpus\":1,\"memory\":\"1G\",\"pids_limit\":10}")
                .expectStatus(400).json("message")).isEqualTo("pids_limit must be between 32 and 1000000");
        assertThat(admin.api("POST", "/api/profiles", "{\"name\":\"M 1\",\"cpus\":1,\"memory\":\"1G\"}").expectStatus(400).json("message"))
                .contains("lowercase");
        assertThat(admin.api("POST", "/api/profiles", "{\"name\":\"m1\",\"cpus\":1,\"memory\":\"1G\",\"groups\":[\"physics\",\"chemistry\"]}")
                .expectStatus(400).json("message")).isEqualTo("there is no group named \"chemistry\"");
        assertThat(admin.api("POST", "/api/profiles", "{\"name\":\"small\",\"cpus\":1,\"memory\":\"1G\"}").expectStatus(409).json("message"))
                .isEqualTo("a resource profile called \"small\" already exists");
        assertThat(admin.api("POST", "/api/profiles", "{\"name\":\"m1\",\"cpu\":1}").expectStatus(400).json("message"))
                .startsWith("unknown field \"cpu\"");
        assertThat(names(admin)).doesNotContain("m1");
    }

    @Test
    void aProfileRestrictedToAGroupIsSeenOnlyByItsMembersAndAdmins() {
        admin.api("POST", "/api/profiles", "{\"name\":\"physics-big\",\"cpus\":2,\"memory\":\"16G\",\"groups\":[\"physics\"]}")
                .expectStatus(201);

        assertThat(names(bob)).contains("physics-big");
        assertThat(names(alice)).doesNotContain("physics-big").contains("small");
        assertThat(profile(admin, "physics-big").path("groups").toString()).isEqualTo("[\"physics\"]");

        admin.api("PATCH", "/api/profiles/physics-big", "{\"groups\":[]}").expectStatus(200);

        assertThat(names(alice)).contains("physics-big");
    }

    @Test
    void aChangeKeepsTheFieldsNotGivenAndTheDefaultStaysUnique() {
        admin.api("POST", "/api/profiles", "{\"name\":\"tweak\",\"display_name\":\"Tweak\",\"cpus\":1,\"memory\":\"1G\"}").expectStatus(201);

        JsonNode p = json(admin.api("PATCH", "/api/profiles/tweak", "{\"cpus\":3}").expectStatus(200));
        assertThat(p.path("cpus").asDouble()).isEqualTo(3.0);
        assertThat(p.path("memory_text").asString()).isEqualTo("1G");
        assertThat(p.path("display_name").asString()).isEqualTo("Tweak");
        p = json(admin.api("PATCH", "/api/profiles/tweak", "{\"memory\":\"3G\",\"default\":true}").expectStatus(200));
        assertThat(p.path("memory").asLong()).isEqualTo(3L << 30);
        assertThat(p.path("cpus").asDouble()).isEqualTo(3.0);

        List<String> defaults = new ArrayList<>();
        json(admin.api("GET", "/api/profiles")).values().forEach(x -> {
            if (x.path("default").asBoolean()) {
                defaults.add(x.path("name").asString());
            }
        });
        assertThat(defaults).containsExactly("tweak");
        assertThat(admin.api("PATCH", "/api/profiles/tweak", "{\"memory\":\"tiny\"}").expectStatus(400).json("message")).startsWith("memory:");
        assertThat(admin.api("PATCH", "/api/profiles/tweak", "{\"name\":\"renamed\"}").expectStatus(400).json("message")).contains("renamed");
        admin.api("PATCH", "/api/profiles/nosuchprofile", "{\"cpus\":1}").expectStatus(404);
        assertThat(admin.api("GET", "/api/audit?action=profile.update").body()).contains("\"target\":\"tweak\"");

        admin.api("PATCH", "/api/profiles/small", "{\"default\":true}").expectStatus(200);
    }

    @Test
    void aProfileInUseByAServerThatIsNotStoppedCannotBeDeleted() {
        admin.api("POST", "/api/profiles", "{\"name\":\"busy\",\"cpus\":1,\"memory\":\"1G\"}").expectStatus(201);
        long aliceId = hub.hub().catalog().jdbi().withHandle(h -> h.createQuery("SELECT id FROM users WHERE name = 'alice'")
                .mapTo(Long.class).one());
        hub.hub().catalog().jdbi().useHandle(h -> h.createUpdate("INSERT INTO servers (user_id, name, environment, profile, state, "
                + "created_at) VALUES (:u, 'busy-test', 'minimal', 'busy', 'starting', CURRENT_TIMESTAMP)").bind("u", aliceId).execute());

        assertThat(admin.api("DELETE", "/api/profiles/busy").expectStatus(409).json("message"))
                .isEqualTo("the profile \"busy\" is in use by 1 server that is not stopped; stop it first");

        hub.hub().catalog().jdbi().useHandle(h -> h.execute("UPDATE servers SET state = 'stopped' WHERE name = 'busy-test'"));
        admin.api("DELETE", "/api/profiles/busy").expectStatus(204);
        assertThat(names(admin)).doesNotContain("busy");
        assertThat(admin.api("GET", "/api/audit?action=profile.delete").body()).contains("\"target\":\"busy\"");
        admin.api("DELETE", "/api/profiles/busy").expectStatus(404);
    }

    @Test
    void theLastProfileCannotBeDeleted() throws Exception {
        try (TestHub own = TestHub.start()) {
            HubClient a = own.admin();
            a.api("DELETE", "/api/profiles/large").expectStatus(204);

            assertThat(a.api("DELETE", "/api/profiles/small").expectStatus(409).json("message")).contains("the last resource profile");
            assertThat(a.api("GET", "/api/profiles").body()).contains("\"name\":\"small\"");
        }
    }

    @Test
    void aUserGets403OnEveryChangeToProfiles() throws Exception {
        alice.api("POST", "/api/profiles", "{\"name\":\"mine\",\"cpus\":8,\"memory\":\"64G\"}").expectStatus(403);
        alice.api("PATCH", "/api/profiles/small", "{\"cpus\":8}").expectStatus(403);
        alice.api("DELETE", "/api/profiles/large").expectStatus(403);
        HubClient browser = hub.client();
        browser.login("alice", "alice-password-1").expectStatus(303);
        assertThat(browser.get("/admin/profiles").expectStatus(403).body()).contains("only administrators may do this");
        browser.get("/account");
        browser.form("/admin/profiles", Map.of("name", "mine", "cpus", "8", "memory", "64G", "pids_limit", "512")).expectStatus(403);
        browser.form("/admin/profiles/small", Map.of("cpus", "8", "memory", "64G", "pids_limit", "512")).expectStatus(403);
        browser.form("/admin/profiles/large/delete", Map.of()).expectStatus(403);

        assertThat(names(admin)).contains("small", "large").doesNotContain("mine");
        assertThat(profile(admin, "small").path("cpus").asDouble()).isEqualTo(1.0);
    }

    @Test
    void theAdminPageCreatesChangesAndDeletesAndKeepsWhatWasTypedOnErrors() {
        assertThat(adminPages.get("/admin/profiles").expectStatus(200).body()).contains("<strong>small</strong>").contains("physics");

        HubClient.Res refused = adminPages.form("/admin/profiles", Map.of("name", "page-prof", "display_name", "Typed",
                "cpus", "2", "memory", "a lot", "pids_limit", "600", "sort_order", ""));
        refused.expectStatus(400);
        assertThat(refused.body()).contains("memory: expected a size such as 512M, 2G or 1.5G (got &quot;a lot&quot;)")
                .contains("value=\"page-prof\"").contains("value=\"Typed\"").contains("value=\"a lot\"").contains("value=\"600\"");

        adminPages.form("/admin/profiles", Map.of("name", "page-prof", "display_name", "Page profile", "cpus", "2",
                "memory", "3G", "pids_limit", "600", "sort_order", "", "groups", "physics")).expectStatus(303);
        assertThat(adminPages.get("/admin/profiles").body()).contains("Created the profile page-prof.");
        JsonNode p = profile(admin, "page-prof");
        assertThat(p.path("memory_text").asString()).isEqualTo("3G");
        assertThat(p.path("groups").toString()).isEqualTo("[\"physics\"]");
        assertThat(names(alice)).doesNotContain("page-prof");

        HubClient.Res badCpus = adminPages.form("/admin/profiles/page-prof", Map.of("display_name", "Page profile", "cpus", "two",
                "memory", "3G", "pids_limit", "600", "sort_order", "4"));
        badCpus.expectStatus(400);
        assertThat(badCpus.body()).contains("CPUs must be a number such as 1 or 0.5 (got &quot;two&quot;)").contains("value=\"two\"")
                .contains("<details class=\"change\" id=\"edit-page-prof\" open>");

        adminPages.form("/admin/profiles/page-prof", Map.of("display_name", "Page profile", "cpus", "4", "memory", "6G",
                "pids_limit", "600", "sort_order", "4", "default", "on")).expectStatus(303);
        p = profile(admin, "page-prof");
        assertThat(p.path("cpus").asDouble()).isEqualTo(4.0);
        assertThat(p.path("memory_text").asString()).isEqualTo("6G");
        assertThat(p.path("default").asBoolean()).isTrue();
        assertThat(p.path("groups").size()).as("no group ticked: open to everyone").isZero();

        adminPages.form("/admin/profiles/page-prof/delete", Map.of()).expectStatus(303);
        assertThat(adminPages.get("/admin/profiles").body()).contains("Deleted the profile page-prof.");
        assertThat(names(admin)).doesNotContain("page-prof");
        admin.api("PATCH", "/api/profiles/small", "{\"default\":true}").expectStatus(200);
    }
}
