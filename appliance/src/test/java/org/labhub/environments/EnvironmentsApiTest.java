package org.labhub.environments;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.labhub.podman.ImageInfo;
import org.labhub.podman.TestPodman;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/** {@code /api/environments…} and the admin page's forms, against a real hub, Podman and Derby. */
@ExtendWith(TestPodman.class)
class EnvironmentsApiTest {
    static TestHub hub;
    static HubClient admin;
    static HubClient adminPages;
    static HubClient alice;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        adminPages = hub.admin();
        String token = adminPages.api("POST", "/api/users/admin/tokens", "{\"scopes\":[\"read\",\"admin\",\"tokens\"]}").expectStatus(201).json("token");
        admin = hub.client().withToken(token);
        hub.user("alice", "alice-password-1");
        String aliceToken = admin.api("POST", "/api/users/alice/tokens", "{\"scopes\":[\"read\",\"servers\",\"tokens\"]}")
                .expectStatus(201).json("token");
        alice = hub.client().withToken(aliceToken);
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    @AfterEach
    void noPackageReadingContainerIsLeftBehind() {
        assertThat(hub.hub().podman().client().containers().listByLabel(ImagePackages.SCAN_LABEL)).isEmpty();
    }

    private static JsonNode json(HubClient.Res r) {
        return Json.MAPPER.readTree(r.body());
    }

    private static List<String> names(HubClient who) {
        List<String> out = new ArrayList<>();
        json(who.api("GET", "/api/environments").expectStatus(200)).values().forEach(e -> out.add(e.path("name").asString()));
        return out;
    }

    private static void register(String name, String image) {
        admin.api("POST", "/api/environments", "{\"name\":\"" + name + "\",\"image\":\"" + image + "\"}").expectStatus(201);
    }

    private static String audit(String action) {
        return admin.api("GET", "/api/audit?limit=500&action=" + action).expectStatus(200).body();
    }

    @Test
    void anAdminRegistersAnyImageInPodmanAsAnEnabledEnvironmentWithoutNetwork() {
        ImageInfo busybox = TestPodman.client().images().inspect(TestPodman.image());

        JsonNode e = json(admin.api("POST", "/api/environments", "{\"name\":\"busybox\",\"image\":\"" + TestPodman.image()
                + "\",\"display_name\":\"Busybox\",\"description\":\"A shell and little else\"}").expectStatus(201));

        assertThat(e.path("name").asString()).isEqualTo("busybox");
        assertThat(e.path("display_name").asString()).isEqualTo("Busybox");
        assertThat(e.path("description").asString()).isEqualTo("A shell and little else");
        assertThat(e.path("image").asString()).isEqualTo(TestPodman.IMAGE);
        assertThat(e.path("image_id").asString()).isEqualTo(busybox.id());
        assertThat(e.path("image_digest").asString()).matches("sha256:[0-9a-f]{64}");
        assertThat(busybox.repoDigests().get(0)).endsWith("@" + e.path("image_digest").asString());
        assertThat(e.path("source").asString()).isEqualTo("image");
        assertThat(e.path("enabled").asBoolean()).isTrue();
        assertThat(e.path("network").asString()).isEqualTo("none");
        assertThat(e.path("package_count").asInt()).isZero();
        assertThat(e.path("packages").isArray()).isTrue();
        assertThat(e.path("packages").size()).isZero();
        assertThat(names(alice)).contains("busybox");
        assertThat(audit("environment.register")).contains("\"target\":\"busybox\"").contains(TestPodman.IMAGE);
    }

    @Test
    void anImageThatRecordsItsPackagesIsRegisteredWithThemAndWithItsLabels() {
        JsonNode e = json(admin.api("POST", "/api/environments",
                "{\"name\":\"minimal-copy\",\"image\":\"localhost/labhub/kernel-minimal:latest\"}").expectStatus(201));

        assertThat(e.path("source").asString()).isEqualTo("image");
        assertThat(e.path("image").asString()).isEqualTo("localhost/labhub/kernel-minimal:latest");
        assertThat(e.path("display_name").asString()).isEqualTo("Python (minimal)");
        assertThat(e.path("language").asString()).isEqualTo("python");
        assertThat(e.path("package_count").asInt()).isGreaterThan(100);
        assertThat(e.path("packages").toString()).contains("{\"name\":\"python3-ipykernel\",\"version\":\"");
    }

    @Test
    void registeringIsRefusedWithAMessageThatSaysWhatIsWrong() {
        register("taken", TestPodman.image());
        assertThat(admin.api("POST", "/api/environments", "{\"name\":\"taken\",\"image\":\"" + TestPodman.image() + "\"}")
                .expectStatus(409).json("message")).isEqualTo("an environment called \"taken\" already exists");
        assertThat(admin.api("POST", "/api/environments", "{\"name\":\"Bad Name\",\"image\":\"" + TestPodman.image() + "\"}")
                .expectStatus(400).json("message")).contains("lowercase");
        assertThat(admin.api("POST", "/api/environments", "{\"name\":\"scan\",\"image\":\"" + TestPodman.image() + "\"}")
                .expectStatus(400).json("message")).contains("reserved");
        assertThat(admin.api("POST", "/api/environments", "{\"image\":\"" + TestPodman.image() + "\"}")
                .expectStatus(400).json("message")).isEqualTo("give the environment a name");
        assertThat(admin.api("POST", "/api/environments", "{\"name\":\"noimage\"}").expectStatus(400).json("message"))
                .startsWith("name the image to register");
        assertThat(admin.api("POST", "/api/environments", "{\"name\":\"ghost\",\"image\":\"localhost/labhub-test/no-such-image:1\"}")
                .expectStatus(400).json("message"))
                .isEqualTo("there is no image \"localhost/labhub-test/no-such-image:1\" in Podman; pull, load or build it first "
                        + "(podman images lists them)");
        assertThat(admin.api("POST", "/api/environments", "{\"name\":\"typo\",\"imgae\":\"x\"}").expectStatus(400).json("message"))
                .startsWith("unknown field \"imgae\"");
        admin.api("GET", "/api/environments/ghost").expectStatus(404);
        admin.api("GET", "/api/environments/noimage").expectStatus(404);
    }

    @Test
    void aDisabledEnvironmentIsHiddenFromUsersButNotFromAdmins() {
        register("switchable", TestPodman.image());

        JsonNode off = json(admin.api("PATCH", "/api/environments/switchable", "{\"enabled\":false}").expectStatus(200));

        assertThat(off.path("enabled").asBoolean()).isFalse();
        assertThat(names(alice)).doesNotContain("switchable");
        assertThat(alice.api("GET", "/api/environments/switchable").expectStatus(404).json("message"))
                .isEqualTo("there is no environment called \"switchable\"");
        assertThat(names(admin)).contains("switchable");
        assertThat(json(admin.api("GET", "/api/environments/switchable").expectStatus(200)).path("enabled").asBoolean()).isFalse();
        assertThat(json(alice.api("GET", "/api/environments")).values()).allSatisfy(e -> assertThat(e.path("enabled").asBoolean()).isTrue());

        admin.api("PATCH", "/api/environments/switchable", "{\"enabled\":true}").expectStatus(200);

        assertThat(names(alice)).contains("switchable");
        alice.api("GET", "/api/environments/switchable").expectStatus(200);
        assertThat(audit("environment.disable")).contains("\"target\":\"switchable\"");
        assertThat(audit("environment.enable")).contains("\"target\":\"switchable\"");
    }

    @Test
    void theNetworkIsNoneOrBridgeAndABadValueChangesNothing() {
        register("networked", TestPodman.image());

        assertThat(admin.api("PATCH", "/api/environments/networked", "{\"network\":\"wifi\",\"display_name\":\"Changed\"}")
                .expectStatus(400).json("message")).isEqualTo("network must be one of none, bridge (got \"wifi\")");
        JsonNode unchanged = json(admin.api("GET", "/api/environments/networked"));
        assertThat(unchanged.path("network").asString()).isEqualTo("none");
        assertThat(unchanged.path("display_name").asString()).isEqualTo("networked");

        JsonNode bridged = json(admin.api("PATCH", "/api/environments/networked", "{\"network\":\"bridge\"}").expectStatus(200));

        assertThat(bridged.path("network").asString()).isEqualTo("bridge");
        assertThat(audit("environment.network")).contains("\"target\":\"networked\"").contains("none -> bridge");
    }

    @Test
    void theNameAndDescriptionShownCanBeChangedButNotEmptied() {
        register("renamed", TestPodman.image());

        JsonNode e = json(admin.api("PATCH", "/api/environments/renamed",
                "{\"display_name\":\"Busybox shell\",\"description\":\"For the shell course\"}").expectStatus(200));

        assertThat(e.path("display_name").asString()).isEqualTo("Busybox shell");
        assertThat(e.path("description").asString()).isEqualTo("For the shell course");
        assertThat(admin.api("PATCH", "/api/environments/renamed", "{\"display_name\":\"  \"}").expectStatus(400).json("message"))
                .isEqualTo("display_name must not be empty");
        assertThat(admin.api("PATCH", "/api/environments/renamed", "{\"description\":\"" + "x".repeat(2001) + "\"}")
                .expectStatus(400).json("message")).contains("2000");
        admin.api("PATCH", "/api/environments/nosuchenv", "{\"enabled\":true}").expectStatus(404);
    }

    @Test
    void anEnvironmentInUseByAServerThatIsNotStoppedCannotBeDeleted() {
        register("in-use", TestPodman.image());
        long alice = hub.hub().catalog().jdbi().withHandle(h -> h.createQuery("SELECT id FROM users WHERE name = 'alice'")
                .mapTo(Long.class).one());
        hub.hub().catalog().jdbi().useHandle(h -> h.createUpdate("INSERT INTO servers (user_id, name, environment, profile, state, "
                + "created_at) VALUES (:u, 'in-use-test', 'in-use', 'small', 'running', CURRENT_TIMESTAMP)").bind("u", alice).execute());

        assertThat(admin.api("DELETE", "/api/environments/in-use").expectStatus(409).json("message"))
                .isEqualTo("the environment \"in-use\" is in use by 1 server that is not stopped; stop it first");
        admin.api("GET", "/api/environments/in-use").expectStatus(200);

        hub.hub().catalog().jdbi().useHandle(h -> h.execute("UPDATE servers SET state = 'stopped' WHERE name = 'in-use-test'"));
        admin.api("DELETE", "/api/environments/in-use").expectStatus(204);

        admin.api("GET", "/api/environments/in-use").expectStatus(404);
        assertThat(TestPodman.client().images().exists(TestPodman.IMAGE)).as("the image stays in Podman").isTrue();
        assertThat(audit("environment.delete")).contains("\"target\":\"in-use\"");
        admin.api("DELETE", "/api/environments/in-use").expectStatus(404);
    }

    @Test
    void aUserGets403OnEveryChangeAndTheAdminPagesButMayLook() throws Exception {
        register("looked-at", TestPodman.image());
        String body = "{\"name\":\"mine\",\"image\":\"" + TestPodman.image() + "\"}";

        alice.api("POST", "/api/environments", body).expectStatus(403);
        alice.api("POST", "/api/environments/scan", "{}").expectStatus(403);
        alice.api("PATCH", "/api/environments/looked-at", "{\"enabled\":false}").expectStatus(403);
        alice.api("DELETE", "/api/environments/looked-at").expectStatus(403);
        HubClient aliceBrowser = hub.client();
        aliceBrowser.login("alice", "alice-password-1").expectStatus(303);
        assertThat(aliceBrowser.get("/admin/environments").expectStatus(403).body()).contains("only administrators may do this");
        aliceBrowser.get("/account"); // a page with the CSRF token for the forms below
        aliceBrowser.form("/admin/environments", Map.of("name", "mine", "image", TestPodman.image())).expectStatus(403);
        aliceBrowser.form("/admin/environments/scan", Map.of()).expectStatus(403);
        aliceBrowser.form("/admin/environments/looked-at", Map.of("enabled", "false")).expectStatus(403);
        aliceBrowser.form("/admin/environments/looked-at/delete", Map.of()).expectStatus(403);

        alice.api("GET", "/api/environments/looked-at").expectStatus(200);
        admin.api("GET", "/api/environments/mine").expectStatus(404);
        assertThat(json(admin.api("GET", "/api/environments/looked-at")).path("enabled").asBoolean()).isTrue();
    }

    @Test
    void theAdminPageRegistersChangesAndDeletesWithFlashMessagesAndKeepsWhatWasTypedOnErrors() {
        adminPages.get("/admin/environments").expectStatus(200);

        HubClient.Res refused = adminPages.form("/admin/environments", Map.of("name", "page-env",
                "image", "localhost/labhub-test/nothing-here:1", "display_name", "Typed name", "description", "typed text"));

        refused.expectStatus(400);
        assertThat(refused.body()).contains("there is no image &quot;localhost/labhub-test/nothing-here:1&quot; in Podman")
                .contains("value=\"page-env\"").contains("value=\"localhost/labhub-test/nothing-here:1\"")
                .contains("value=\"Typed name\"").contains("value=\"typed text\"");

        assertThat(adminPages.form("/admin/environments", Map.of("name", "page-env", "image", TestPodman.image(),
                "display_name", "", "description", "")).expectStatus(303).location()).isEqualTo("/admin/environments");
        String page = adminPages.get("/admin/environments").expectStatus(200).body();
        assertThat(page).contains("Registered page-env (" + TestPodman.IMAGE + ", 0 packages recorded)").contains("data-env=\"page-env\"");

        adminPages.form("/admin/environments/page-env", Map.of("enabled", "false")).expectStatus(303);
        assertThat(adminPages.get("/admin/environments").body()).contains("page-env is disabled");
        assertThat(json(admin.api("GET", "/api/environments/page-env")).path("enabled").asBoolean()).isFalse();

        HubClient.Res badNetwork = adminPages.form("/admin/environments/page-env", Map.of("network", "wifi"));
        badNetwork.expectStatus(400);
        assertThat(badNetwork.body()).contains("network must be one of none, bridge (got &quot;wifi&quot;)");
        adminPages.form("/admin/environments/page-env", Map.of("network", "bridge")).expectStatus(303);
        assertThat(json(admin.api("GET", "/api/environments/page-env")).path("network").asString()).isEqualTo("bridge");

        HubClient.Res emptyName = adminPages.form("/admin/environments/page-env", Map.of("display_name", "", "description", "kept"));
        emptyName.expectStatus(400);
        assertThat(emptyName.body()).contains("display_name must not be empty").contains("value=\"kept\"")
                .contains("<details class=\"edit\" open>");
        adminPages.form("/admin/environments/page-env", Map.of("display_name", "Page env", "description", "")).expectStatus(303);
        assertThat(json(admin.api("GET", "/api/environments/page-env")).path("display_name").asString()).isEqualTo("Page env");

        adminPages.form("/admin/environments/scan", Map.of()).expectStatus(303);
        assertThat(adminPages.get("/admin/environments").body()).contains("Kernel images scanned:");

        adminPages.form("/admin/environments/page-env/delete", Map.of()).expectStatus(303);
        assertThat(adminPages.get("/admin/environments").body()).contains("Deleted the environment page-env; the image stays in Podman.")
                .doesNotContain("data-env=\"page-env\"");
        adminPages.form("/admin/environments/page-env/delete", Map.of()).expectStatus(404);
    }
}
