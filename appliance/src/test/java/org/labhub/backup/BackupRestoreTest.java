package org.labhub.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.MainRunner;
import org.labhub.catalog.DataRootLock;
import org.labhub.config.SitePaths;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/** {@code labhub backup} and {@code labhub restore} carry a whole hub over: accounts, groups, tokens, passwords, files. */
class BackupRestoreTest {
    private static final String ALICE_PASSWORD = "alice-password-1";

    static TestHub hub;
    static String aliceToken;
    static List<String> usersBefore;

    @TempDir
    Path tmp;

    @BeforeAll
    static void buildState() throws Exception {
        hub = TestHub.start();
        HubClient admin = hub.admin();
        HubClient alice = hub.user("alice", ALICE_PASSWORD);
        admin.api("POST", "/api/users/bob", "{\"password\":\"bob-password-1\",\"admin\":true}").expectStatus(201);
        admin.api("POST", "/api/users/dora", "{\"password\":\"dora-password-1\"}").expectStatus(201);
        admin.api("PATCH", "/api/users/dora", "{\"disabled\":true}").expectStatus(200);
        admin.api("POST", "/api/groups/physics", "{\"description\":\"the physics lab\"}").expectStatus(201);
        admin.api("POST", "/api/groups/physics/users", "{\"users\":[\"alice\",\"bob\"]}").expectStatus(200);
        aliceToken = alice.api("POST", "/api/users/alice/tokens", "{\"note\":\"backup test\"}").expectStatus(201).json("token");

        Path home = hub.dataRoot().resolve("homes/alice");
        Files.writeString(home.resolve("notes.md"), "# results\nall good\n");
        Files.createDirectories(home.resolve("project/raw"));
        Files.write(home.resolve("project/raw/data.bin"), new byte[] {0, 1, 2, (byte) 0xff, 10, 13});
        Path secret = home.resolve("secret.txt");
        Files.writeString(secret, "only for alice\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        usersBefore = userSummaries(admin);
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    @Test
    void aBackupTakenWhileTheHubRunsRestoresUsersGroupsTokensPasswordsAndFiles() throws Exception {
        assertThatTheRunningHubHoldsItsLock();
        Path backup = tmp.resolve("backup");
        MainRunner.Outcome b = MainRunner.run("backup", backup.toString(), "--data", hub.dataRoot().toString());
        assertThat(b.status()).as("%s", b).isZero();
        assertThat(b.stdout()).as("%s", b).contains("online backup by the running hub");

        Path restored = tmp.resolve("restored");
        MainRunner.Outcome r = MainRunner.run("restore", backup.toString(), "--data", restored.toString());
        assertThat(r.status()).as("%s", r).isZero();

        try (TestHub again = TestHub.startOn(restored, Map.of())) {
            HubClient admin = again.admin();
            assertThat(userSummaries(admin)).isEqualTo(usersBefore);
            assertThat(usersBefore).anyMatch(u -> u.startsWith("alice admin=false state=active groups=[physics] "))
                    .anyMatch(u -> u.startsWith("bob admin=true state=active groups=[physics] "))
                    .anyMatch(u -> u.startsWith("dora admin=false state=disabled groups=[] "));
            JsonNode physics = Json.MAPPER.readTree(admin.api("GET", "/api/groups/physics").expectStatus(200).body());
            assertThat(physics.path("users").valueStream().map(JsonNode::asString).toList()).containsExactlyInAnyOrder("alice", "bob");
            assertThat(physics.path("description").asString()).isEqualTo("the physics lab");

            HubClient byToken = again.client().withToken(aliceToken);
            assertThat(byToken.api("GET", "/api/user").expectStatus(200).json("name")).isEqualTo("alice");
            again.client().login("alice", ALICE_PASSWORD).expectStatus(303);
        }
        assertThat(tree(restored.resolve("homes/alice"))).isEqualTo(tree(hub.dataRoot().resolve("homes/alice")))
                .containsEntry("secret.txt", "rw------- only for alice\n");
    }

    /**
     * What the installer does around an upgrade: a catalog backup (no homes or archives), and when the new release
     * fails, the catalog moved aside and that backup restored. Accounts return to the backup's; files stay as they are.
     */
    @Test
    void aCatalogBackupPutsBackTheCatalogAndLeavesTheFilesAsTheyAre() throws Exception {
        Path online = tmp.resolve("online-catalog");
        MainRunner.Outcome o = MainRunner.run("backup", online.toString(), "--catalog-only", "--data", hub.dataRoot().toString());
        assertThat(o.status()).as("%s", o).isZero();
        assertThat(o.stdout()).contains("online backup by the running hub");
        assertThat(siblings(online)).doesNotContain("homes", "archives", "retained-homes").contains("catalog", "secrets", Backup.MANIFEST);

        Path root = tmp.resolve("server");
        Path full = tmp.resolve("full");
        assertThat(MainRunner.run("backup", full.toString(), "--data", hub.dataRoot().toString()).status()).isZero();
        assertThat(MainRunner.run("restore", full.toString(), "--data", root.toString()).status()).isZero();
        Path beforeUpgrade = tmp.resolve("before-upgrade");
        MainRunner.Outcome offline = MainRunner.run("backup", beforeUpgrade.toString(), "--catalog-only", "--data", root.toString());
        assertThat(offline.status()).as("%s", offline).isZero();
        assertThat(offline.stdout()).contains("backup written to");
        assertThat(Json.MAPPER.readTree(Files.readString(beforeUpgrade.resolve(Backup.MANIFEST))).path("contents").asString()).isEqualTo("catalog");

        // the "new release" runs: an account is added, a file written
        try (TestHub upgraded = TestHub.startOn(root, Map.of())) {
            upgraded.admin().api("POST", "/api/users/erin", "{\"password\":\"erin-password-1\"}").expectStatus(201);
        }
        Path written = root.resolve("homes/alice/written-during-the-upgrade.txt");
        Files.writeString(written, "kept");

        Files.move(root.resolve("db"), root.resolve("db.failed-upgrade"));
        MainRunner.Outcome r = MainRunner.run("restore", beforeUpgrade.toString(), "--data", root.toString());
        assertThat(r.status()).as("%s", r).isZero();
        assertThat(r.stdout()).contains("the catalog, secrets and config; files left as they are");
        try (TestHub back = TestHub.startOn(root, Map.of())) {
            HubClient admin = back.admin();
            assertThat(userSummaries(admin)).isEqualTo(usersBefore);
            back.client().login("alice", ALICE_PASSWORD).expectStatus(303);
        }
        assertThat(written).hasContent("kept");
        assertThat(root.resolve("homes/alice/notes.md")).hasContent("# results\nall good\n");

        MainRunner.Outcome misplaced = MainRunner.run("restore", beforeUpgrade.toString(), "--catalog-only", "--data", tmp.resolve("x").toString());
        assertThat(misplaced.status()).isEqualTo(2);
        assertThat(misplaced.stderr()).contains("--catalog-only belongs to labhub backup");
    }

    /** The online path is the one under test: the hub holds the lock, so the CLI must go through the control socket. */
    private static void assertThatTheRunningHubHoldsItsLock() {
        assertThatThrownBy(() -> DataRootLock.acquire(new SitePaths(hub.dataRoot()).lockFile()).close())
                .isInstanceOf(DataRootLock.DataRootInUseException.class);
    }

    @Test
    void aBackupIntoAFolderThatIsNotEmptyIsRefusedAndChangesNothing() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("occupied"));
        Files.writeString(target.resolve("keep.txt"), "precious");
        MainRunner.Outcome b = MainRunner.run("backup", target.toString(), "--data", hub.dataRoot().toString());
        assertThat(b.status()).as("%s", b).isEqualTo(1);
        assertThat(b.stderr()).as("%s", b).contains("not empty");
        try (Stream<Path> files = Files.list(target)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("keep.txt");
        }
        assertThat(Files.readString(target.resolve("keep.txt"))).isEqualTo("precious");
        assertThat(siblings(tmp)).containsExactly("occupied");
    }

    @Test
    void aSuccessfulBackupLeavesOnlyTheFinishedFolderBehind() throws Exception {
        MainRunner.Outcome b = MainRunner.run("backup", tmp.resolve("nightly").toString(), "--data", hub.dataRoot().toString());
        assertThat(b.status()).as("%s", b).isZero();
        assertThat(siblings(tmp)).containsExactly("nightly");
        assertThat(tmp.resolve("nightly").resolve(Backup.MANIFEST)).isRegularFile();
    }

    @Test
    void aRestoreIntoARootThatAlreadyHasACatalogIsRefusedAndChangesNothing() throws Exception {
        Path backup = tmp.resolve("backup");
        assertThat(MainRunner.run("backup", backup.toString(), "--data", hub.dataRoot().toString()).status()).isZero();
        Path root = tmp.resolve("in-use");
        assertThat(MainRunner.run("restore", backup.toString(), "--data", root.toString()).status()).isZero();
        Path newer = root.resolve("homes/alice/written-after-restore.txt");
        Files.writeString(newer, "newer work");
        Files.delete(root.resolve("homes/alice/notes.md"));

        MainRunner.Outcome again = MainRunner.run("restore", backup.toString(), "--data", root.toString());
        assertThat(again.status()).as("%s", again).isEqualTo(1);
        assertThat(again.stderr()).as("%s", again).contains("already has a catalog");
        assertThat(newer).hasContent("newer work");
        assertThat(root.resolve("homes/alice/notes.md")).doesNotExist();
    }

    @Test
    void anOfflineBackupWithNoHubRunningRestoresToo() throws Exception {
        Path root;
        try (TestHub offline = TestHub.start()) {
            offline.user("carol", "carol-password-1");
            root = offline.dataRoot();
        }
        Path backup = tmp.resolve("offline-backup");
        MainRunner.Outcome b = MainRunner.run("backup", backup.toString(), "--data", root.toString());
        assertThat(b.status()).as("%s", b).isZero();
        assertThat(b.stdout()).as("%s", b).contains("backup written to");
        Path restored = tmp.resolve("offline-restored");
        assertThat(MainRunner.run("restore", backup.toString(), "--data", restored.toString()).status()).isZero();
        try (TestHub again = TestHub.startOn(restored, Map.of())) {
            again.client().login("carol", "carol-password-1").expectStatus(303);
        }
    }

    /** Each user as "name admin=… state=… groups=[…] created=…", sorted: what a restore must keep (login times may move). */
    private static List<String> userSummaries(HubClient admin) {
        return Json.MAPPER.readTree(admin.api("GET", "/api/users").expectStatus(200).body()).valueStream()
                .map(u -> u.path("name").asString() + " admin=" + u.path("admin").asBoolean() + " state=" + u.path("state").asString()
                        + " groups=" + u.path("groups").valueStream().map(JsonNode::asString).sorted().toList()
                        + " created=" + u.path("created").asString())
                .sorted().toList();
    }

    /** Every entry under {@code dir}: relative path to "permissions content" (content only for files). */
    private static Map<String, String> tree(Path dir) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                String content = Files.isRegularFile(p) ? new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1) : "<dir>";
                entries.put(dir.relativize(p).toString(), perms + " " + content);
            }
        }
        return entries;
    }

    private static List<String> siblings(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
