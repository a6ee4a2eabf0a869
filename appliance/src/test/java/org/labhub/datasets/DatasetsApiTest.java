package org.labhub.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

/** {@code /api/datasets…}, the admin page's forms and the dashboard card, against a real hub, Derby and real folders. */
class DatasetsApiTest {
    static TestHub hub;
    static HubClient admin;
    static HubClient adminPages;
    static HubClient alice;
    static HubClient bob;
    static Path data;
    static Path datasets;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        data = hub.dataRoot().toRealPath();
        datasets = data.resolve("datasets");
        adminPages = hub.admin();
        String token = adminPages.api("POST", "/api/users/admin/tokens", "{\"scopes\":[\"read\",\"admin\",\"tokens\"]}")
                .expectStatus(201).json("token");
        admin = hub.client().withToken(token);
        alice = tokenOf("alice");
        bob = tokenOf("bob");
        admin.api("POST", "/api/groups/physics", "{}").expectStatus(201);
        admin.api("POST", "/api/groups/physics/users", "{\"users\":[\"alice\"]}").expectStatus(200);
        admin.api("POST", "/api/groups/chemistry", "{}").expectStatus(201);
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

    /** A readable folder of data (as an admin would leave it: 0755 folders, 0644 files). */
    private static Path folder(String name) throws Exception {
        Path dir = datasets.resolve(name);
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/readme.txt"), "data of " + name + "\n");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("sub"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("sub/readme.txt"), PosixFilePermissions.fromString("rw-r--r--"));
        return dir;
    }

    private static String body(String name, Path path, String more) {
        return "{\"name\":\"" + name + "\",\"host_path\":\"" + path + "\"" + more + "}";
    }

    private static JsonNode json(HubClient.Res r) {
        return Json.MAPPER.readTree(r.body());
    }

    private static List<String> names(HubClient who) {
        List<String> out = new ArrayList<>();
        json(who.api("GET", "/api/datasets").expectStatus(200)).values().forEach(d -> out.add(d.path("name").asString()));
        return out;
    }

    private static String refused(String json) {
        return admin.api("POST", "/api/datasets", json).expectStatus(400).json("message");
    }

    @Test
    void anAdminRegistersAFolderAndEveryUserSeesItAtDataWithoutTheHostPath() throws Exception {
        Path path = folder("open-data");
        JsonNode d = json(admin.api("POST", "/api/datasets", body("open-data", path, ",\"description\":\"Open data, CSV\""))
                .expectStatus(201));

        assertThat(d.path("name").asString()).isEqualTo("open-data");
        assertThat(d.path("mount").asString()).isEqualTo("/data/open-data");
        assertThat(d.path("host_path").asString()).isEqualTo(path.toString());
        assertThat(d.path("description").asString()).isEqualTo("Open data, CSV");
        assertThat(d.path("groups").size()).isZero();
        assertThat(d.path("restricted").asBoolean()).isFalse();
        assertThat(d.path("readable").asBoolean()).isTrue();
        assertThat(d.has("problem")).isFalse();
        assertThat(json(alice.api("GET", "/api/datasets/open-data").expectStatus(200)).toString())
                .isEqualTo("{\"name\":\"open-data\",\"mount\":\"/data/open-data\",\"description\":\"Open data, CSV\"}");
        assertThat(names(bob)).contains("open-data");
        assertThat(bob.api("GET", "/api/datasets").body()).doesNotContain(path.toString());
        assertThat(admin.api("GET", "/api/audit?action=dataset.create").body()).contains("\"target\":\"open-data\"")
                .contains(path + " at /data/open-data, for everyone");
    }

    @Test
    void aDatasetForAGroupIsSeenOnlyByItsMembersAndAdminsAndIsA404ForOthers() throws Exception {
        admin.api("POST", "/api/datasets", body("physics-runs", folder("physics-runs"), ",\"groups\":[\"physics\"]")).expectStatus(201);

        assertThat(names(alice)).contains("physics-runs");
        assertThat(names(bob)).doesNotContain("physics-runs");
        assertThat(names(admin)).contains("physics-runs");
        assertThat(bob.api("GET", "/api/datasets/physics-runs").expectStatus(404).json("message"))
                .isEqualTo("there is no dataset called \"physics-runs\"");
        assertThat(bob.api("GET", "/api/datasets/no-such-set").expectStatus(404).json("message"))
                .isEqualTo("there is no dataset called \"no-such-set\"");
        assertThat(json(admin.api("GET", "/api/datasets/physics-runs").expectStatus(200)).path("groups").toString())
                .isEqualTo("[\"physics\"]");

        admin.api("PATCH", "/api/datasets/physics-runs", "{\"groups\":[]}").expectStatus(200);
        assertThat(names(bob)).contains("physics-runs");
    }

    @Test
    void badNamesPathsAndGroupsAreRefusedWithPreciseMessagesAndNothingIsRegistered() throws Exception {
        Path ok = folder("fine");
        assertThat(refused(body("Bad Name", ok, ""))).startsWith("a dataset name is 1 to 63 lowercase letters");
        assertThat(refused(body(".hidden", ok, ""))).startsWith("a dataset name is");
        assertThat(refused(body("a/b", ok, ""))).startsWith("a dataset name is");
        assertThat(refused("{\"host_path\":\"" + ok + "\"}")).startsWith("give the dataset a name");
        assertThat(refused("{\"name\":\"x1\"}")).startsWith("give host_path");
        assertThat(refused("{\"name\":\"x1\",\"host_path\":\"datasets/fine\"}"))
                .isEqualTo("host_path must be absolute (start with /), not \"datasets/fine\"");
        assertThat(refused("{\"name\":\"x1\",\"host_path\":\"" + datasets + "/other/../fine\"}"))
                .isEqualTo("host_path must be normalised, without '.', '..' or '//' (did you mean " + ok + "?)");
        assertThat(refused(body("x1", datasets.resolve("missing"), "")))
                .isEqualTo("host_path " + datasets.resolve("missing") + " does not exist on the hub's host");
        Path file = Files.writeString(datasets.resolve("plain.txt"), "x");
        assertThat(refused(body("x1", file, ""))).isEqualTo("host_path " + file + " is not a folder");

        Path link = Files.createSymbolicLink(datasets.resolve("link"), ok);
        assertThat(refused(body("x1", link, ""))).isEqualTo("host_path " + link + " is a symbolic link; give the folder itself");
        Path linkedParent = Files.createSymbolicLink(datasets.resolve("parent-link"), datasets);
        assertThat(refused(body("x1", linkedParent.resolve("fine"), "")))
                .isEqualTo("host_path " + linkedParent.resolve("fine") + " goes through a symbolic link (it is really " + ok
                        + "); give the real path");

        Files.createDirectories(data.resolve("homes/alice"));
        assertThat(refused(body("x1", data.resolve("homes/alice"), "")))
                .isEqualTo("host_path " + data.resolve("homes/alice") + " is inside labhub's own folder " + data.resolve("homes")
                        + "; of the data folder only folders inside " + datasets + " may be datasets");
        assertThat(refused(body("x1", data.resolve("secrets"), ""))).contains("is inside labhub's own folder " + data.resolve("secrets"));
        assertThat(refused(body("x1", data.resolve("db"), ""))).contains("is inside labhub's own folder " + data.resolve("db"));
        assertThat(refused(body("x1", datasets, ""))).contains("is inside labhub's own folder " + datasets);
        assertThat(refused(body("x1", data, ""))).isEqualTo("host_path " + data + " contains labhub's data folder " + data
                + " (homes, secrets, the catalog); choose a folder of data instead");
        assertThat(refused(body("x1", data.getParent(), ""))).contains("contains labhub's data folder");
        assertThat(refused(body("x1", Path.of("/"), ""))).contains("contains labhub's data folder");
        assertThat(refused(body("x1", Path.of("/etc"), "")))
                .isEqualTo("host_path /etc is inside the system folder /etc, which is never mounted into notebooks");
        assertThat(refused(body("x1", Path.of("/proc/1"), ""))).contains("inside the system folder /proc");
        assertThat(refused(body("x1", Path.of("/usr"), "")))
                .isEqualTo("host_path /usr is the system folder /usr, too wide to mount into notebooks; choose a folder inside it that holds the data");

        assertThat(refused(body("x1", ok, ",\"groups\":[\"physics\",\"biology\"]")))
                .isEqualTo("there is no group named \"biology\"; the groups are: chemistry, physics");
        assertThat(refused(body("x1", ok, ",\"groups\":[\"biology\",\"geology\"]")))
                .isEqualTo("there are no groups named \"biology\", \"geology\"; the groups are: chemistry, physics");
        assertThat(admin.api("POST", "/api/datasets", body("x1", ok, ",\"host\":\"a\"")).expectStatus(400).json("message"))
                .startsWith("unknown field \"host\"");
        assertThat(names(admin)).doesNotContain("x1");

        admin.api("POST", "/api/datasets", body("dup", ok, "")).expectStatus(201);
        assertThat(admin.api("POST", "/api/datasets", body("dup", ok, "")).expectStatus(409).json("message"))
                .isEqualTo("a dataset called \"dup\" already exists");
    }

    @Test
    void aFolderOutsideTheDataRootIsFineAndATrailingSlashIsForgiven() throws Exception {
        Path outside = Files.createTempDirectory("labhub-dataset").toRealPath();
        try {
            Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxr-xr-x"));
            JsonNode d = json(admin.api("POST", "/api/datasets", "{\"name\":\"elsewhere\",\"host_path\":\"" + outside + "/\"}")
                    .expectStatus(201));
            assertThat(d.path("host_path").asString()).isEqualTo(outside.toString());
        } finally {
            admin.api("DELETE", "/api/datasets/elsewhere").expectStatus(204);
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void aFolderOthersCannotReadIsRegisteredWithAWarningThatGivesTheChmodCommand() throws Exception {
        Path closed = folder("closed");
        Files.setPosixFilePermissions(closed.resolve("sub/readme.txt"), PosixFilePermissions.fromString("rw-------"));
        JsonNode d = json(admin.api("POST", "/api/datasets", body("closed", closed, "")).expectStatus(201));
        assertThat(d.path("readable").asBoolean()).isFalse();
        assertThat(d.path("problem").asString()).isEqualTo("notebooks run as other users and cannot read 1 item in it (first: "
                + closed.resolve("sub/readme.txt") + "); make it readable with: chmod -R o+rX " + closed);
        assertThat(adminPages.get("/admin/datasets").body()).contains("closed is not readable by notebooks:")
                .contains("<code>chmod -R o+rX " + closed + "</code>");

        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        assertThat(json(admin.api("GET", "/api/datasets/closed")).path("problem").asString())
                .contains("cannot read 1 item in it (the folder itself)");

        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(closed.resolve("sub/readme.txt"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(json(admin.api("GET", "/api/datasets/closed")).path("readable").asBoolean()).isTrue();
        assertThat(alice.api("GET", "/api/datasets/closed").body()).doesNotContain("readable").doesNotContain("problem");
    }

    @Test
    void aChangeKeepsWhatIsNotGivenAndDeletingAGroupNeverOpensItsDataToEveryone() throws Exception {
        admin.api("POST", "/api/groups/temp", "{}").expectStatus(201);
        admin.api("POST", "/api/groups/temp/users", "{\"users\":[\"bob\"]}").expectStatus(200);
        admin.api("POST", "/api/datasets", body("temp-data", folder("temp-data"), ",\"groups\":[\"temp\"],\"description\":\"one\""))
                .expectStatus(201);
        JsonNode d = json(admin.api("PATCH", "/api/datasets/temp-data", "{\"description\":\"two\"}").expectStatus(200));
        assertThat(d.path("description").asString()).isEqualTo("two");
        assertThat(d.path("groups").toString()).isEqualTo("[\"temp\"]");
        assertThat(names(bob)).contains("temp-data");

        admin.api("DELETE", "/api/groups/temp").expectStatus(204);
        d = json(admin.api("GET", "/api/datasets/temp-data").expectStatus(200));
        assertThat(d.path("restricted").asBoolean()).isTrue();
        assertThat(d.path("groups").size()).isZero();
        assertThat(names(bob)).doesNotContain("temp-data");
        assertThat(names(alice)).doesNotContain("temp-data");
        admin.api("PATCH", "/api/datasets/temp-data", "{\"description\":\"three\"}").expectStatus(200);
        assertThat(names(bob)).as("an edit of another field keeps it closed").doesNotContain("temp-data");
        assertThat(adminPages.get("/admin/datasets").body()).contains("administrators only (its groups were deleted)");

        Path moved = folder("temp-data-2");
        assertThat(json(admin.api("PATCH", "/api/datasets/temp-data", "{\"host_path\":\"" + moved + "\"}").expectStatus(200))
                .path("host_path").asString()).isEqualTo(moved.toString());
        assertThat(admin.api("PATCH", "/api/datasets/temp-data", "{\"host_path\":\"/etc\"}").expectStatus(400).json("message"))
                .contains("system folder /etc");
        assertThat(admin.api("PATCH", "/api/datasets/temp-data", "{\"name\":\"renamed\"}").expectStatus(400).json("message"))
                .startsWith("a dataset cannot be renamed");
        admin.api("PATCH", "/api/datasets/no-such-set", "{\"description\":\"x\"}").expectStatus(404);
        assertThat(admin.api("GET", "/api/audit?action=dataset.update").body()).contains("\"target\":\"temp-data\"")
                .contains("for administrators only");
    }

    @Test
    void deletingForgetsTheDatasetButLeavesItsFolder() throws Exception {
        Path path = folder("gone-soon");
        admin.api("POST", "/api/datasets", body("gone-soon", path, "")).expectStatus(201);
        admin.api("DELETE", "/api/datasets/gone-soon").expectStatus(204);
        assertThat(names(admin)).doesNotContain("gone-soon");
        assertThat(path.resolve("sub/readme.txt")).exists();
        assertThat(admin.api("GET", "/api/audit?action=dataset.delete").body()).contains("\"target\":\"gone-soon\"");
        admin.api("DELETE", "/api/datasets/gone-soon").expectStatus(404);
    }

    @Test
    void aUserGets403OnEveryChangeToDatasets() throws Exception {
        Path path = folder("guarded");
        admin.api("POST", "/api/datasets", body("guarded", path, "")).expectStatus(201);
        alice.api("POST", "/api/datasets", body("mine", path, "")).expectStatus(403);
        alice.api("PATCH", "/api/datasets/guarded", "{\"description\":\"mine now\"}").expectStatus(403);
        alice.api("DELETE", "/api/datasets/guarded").expectStatus(403);
        HubClient browser = hub.client();
        browser.login("alice", "alice-password-1").expectStatus(303);
        assertThat(browser.get("/admin/datasets").expectStatus(403).body()).contains("only administrators may do this");
        browser.get("/account");
        browser.form("/admin/datasets", Map.of("name", "mine", "host_path", path.toString())).expectStatus(403);
        browser.form("/admin/datasets/guarded", Map.of("host_path", "/etc", "description", "")).expectStatus(403);
        browser.form("/admin/datasets/guarded/delete", Map.of()).expectStatus(403);

        assertThat(names(admin)).contains("guarded").doesNotContain("mine");
        assertThat(json(admin.api("GET", "/api/datasets/guarded")).path("host_path").asString()).isEqualTo(path.toString());
    }

    @Test
    void theAdminPageRegistersChangesAndRemovesAndKeepsWhatWasTypedOnErrors() throws Exception {
        Path path = folder("page-set");
        HubClient.Res refusedForm = adminPages.form("/admin/datasets", Map.of("name", "page-set", "host_path", "relative/path",
                "description", "Typed here"));
        refusedForm.expectStatus(400);
        assertThat(refusedForm.body()).contains("host_path must be absolute (start with /), not &quot;relative/path&quot;")
                .contains("value=\"page-set\"").contains("value=\"relative/path\"").contains("value=\"Typed here\"");

        adminPages.form("/admin/datasets", Map.of("name", "page-set", "host_path", path.toString(), "description", "From the page",
                "groups", "physics")).expectStatus(303);
        assertThat(adminPages.get("/admin/datasets").body()).contains("Registered the dataset page-set")
                .contains("<code>/data/page-set</code>");
        assertThat(names(alice)).contains("page-set");
        assertThat(names(bob)).doesNotContain("page-set");

        HubClient.Res badPath = adminPages.form("/admin/datasets/page-set", Map.of("host_path", datasets + "/nope", "description", "x"));
        badPath.expectStatus(400);
        assertThat(badPath.body()).contains("does not exist on the hub&#39;s host").contains("value=\"" + datasets + "/nope\"")
                .contains("<details class=\"change\" id=\"edit-page-set\" open>");

        adminPages.form("/admin/datasets/page-set", Map.of("host_path", path.toString(), "description", "Changed")).expectStatus(303);
        JsonNode d = json(admin.api("GET", "/api/datasets/page-set"));
        assertThat(d.path("description").asString()).isEqualTo("Changed");
        assertThat(d.path("groups").size()).as("no group ticked: open to everyone").isZero();
        assertThat(names(bob)).contains("page-set");

        adminPages.form("/admin/datasets/page-set/delete", Map.of()).expectStatus(303);
        assertThat(adminPages.get("/admin/datasets").body()).contains("Removed the dataset page-set.");
        assertThat(names(admin)).doesNotContain("page-set");
    }

    @Test
    void theDashboardListsTheDatasetsTheUserSeesWithTheirPathInNotebooks() throws Exception {
        admin.api("POST", "/api/datasets", body("dash-open", folder("dash-open"), ",\"description\":\"For all\"")).expectStatus(201);
        admin.api("POST", "/api/datasets", body("dash-chem", folder("dash-chem"), ",\"groups\":[\"chemistry\"]")).expectStatus(201);
        HubClient browser = hub.client();
        browser.login("bob", "bob-password-1").expectStatus(303);
        String page = browser.get("/").expectStatus(200).body();
        assertThat(page).contains("<h2 id=\"datasets-h\">Datasets</h2>").contains("<code>/data/dash-open</code>").contains("For all")
                .doesNotContain("dash-chem").doesNotContain(datasets.toString());
    }
}
