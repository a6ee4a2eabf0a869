package org.labhub.quotas;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.users.User;
import org.labhub.users.UserStore;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/**
 * Admins set and reset per-user quotas (validated, audited), a write over the new quota is refused with 507 and leaves
 * nothing, a raised quota applies to the very next write, and every user's usage is listed for the admin.
 */
class QuotaAdminTest {
    private static final long MIB = 1L << 20;

    private static TestHub hub;
    private static HubClient admin;
    private static HubClient alice;
    private static String aliceDav;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(Map.of("storage.default_quota", "5m"));
        admin = hub.admin();
        alice = hub.user("alice", "alice-password-1");
        hub.user("bob", "bob-password-12");
        aliceDav = alice.api("POST", "/api/users/alice/tokens", "{\"scopes\":[\"files\"]}").expectStatus(201).json("token");
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    @Test
    void anAdminSetsAQuotaAsTextOrBytesAndResetsItToTheDefault() {
        JsonNode set = json(admin.api("PUT", "/api/users/bob/quota", "{\"quota\":\"20g\"}").expectStatus(200));
        assertThat(set.path("limit_bytes").asLong()).isEqualTo(20L << 30);
        assertThat(set.path("quota").asString()).isEqualTo("20G");
        assertThat(set.path("quota_source").asString()).isEqualTo("override");

        JsonNode bytes = json(admin.api("PUT", "/api/users/bob/quota", "{\"quota\":" + (3 * MIB) + "}").expectStatus(200));
        assertThat(bytes.path("limit_bytes").asLong()).isEqualTo(3 * MIB);

        JsonNode seen = json(admin.api("GET", "/api/users/bob/usage").expectStatus(200));
        assertThat(seen.path("limit_bytes").asLong()).isEqualTo(3 * MIB);
        assertThat(seen.path("quota_source").asString()).isEqualTo("override");
        assertThat(seen.has("used_bytes") && seen.has("trash_bytes") && seen.has("home_bytes")).isTrue();

        JsonNode reset = json(admin.api("DELETE", "/api/users/bob/quota").expectStatus(200));
        assertThat(reset.path("limit_bytes").asLong()).isEqualTo(5 * MIB);
        assertThat(reset.path("quota_source").asString()).isEqualTo("default");

        assertThat(auditDetails("quota.set", "bob")).anyMatch(d -> d.contains("-> 20G")).anyMatch(d -> d.contains("20G -> 3M"));
        assertThat(auditDetails("quota.reset", "bob")).anyMatch(d -> d.contains("3M -> default 5M"));
    }

    @Test
    void badQuotasAreRefusedWithTheReason() {
        assertThat(admin.api("PUT", "/api/users/bob/quota", "{\"quota\":\"20x\"}").expectStatus(400).body()).contains("units are K, M, G, T, P");
        assertThat(admin.api("PUT", "/api/users/bob/quota", "{\"quota\":\"-2g\"}").expectStatus(400).body()).contains("negative");
        assertThat(admin.api("PUT", "/api/users/bob/quota", "{\"quota\":-5}").expectStatus(400).body()).contains("negative");
        assertThat(admin.api("PUT", "/api/users/bob/quota", "{\"quota\":\"512k\"}").expectStatus(400).body()).contains("at least 1M");
        assertThat(admin.api("PUT", "/api/users/bob/quota", "{\"quota\":0}").expectStatus(400).body()).contains("at least 1M");
        assertThat(admin.api("PUT", "/api/users/bob/quota", "{\"quota\":\"2P\"}").expectStatus(400).body()).contains("at most 1P");
        assertThat(admin.api("PUT", "/api/users/bob/quota", "{\"quota\":1.5}").expectStatus(400).body()).contains("a whole number of bytes");
        assertThat(admin.api("PUT", "/api/users/bob/quota", "{}").expectStatus(400).body()).contains("a whole number of bytes");
        admin.api("PUT", "/api/users/nobody/quota", "{\"quota\":\"1g\"}").expectStatus(404);
        admin.api("DELETE", "/api/users/nobody/quota").expectStatus(404);
        alice.api("PUT", "/api/users/alice/quota", "{\"quota\":\"1t\"}").expectStatus(403);
        alice.api("DELETE", "/api/users/alice/quota").expectStatus(403);
        alice.api("GET", "/api/admin/usage").expectStatus(403);
        assertThat(json(admin.api("GET", "/api/users/bob/usage")).path("quota_source").asString()).isEqualTo("default");
    }

    @Test
    void aWriteOverTheQuotaIs507AndLeavesNothingThenARaisedQuotaAppliesToTheNextWrite() throws Exception {
        Path file = hub.dataRoot().resolve("homes/alice/big.bin");
        byte[] twoMib = new byte[(int) (2 * MIB)];
        admin.api("PUT", "/api/users/alice/quota", "{\"quota\":\"1m\"}").expectStatus(200);

        HubClient.Res refused = davPut("/dav/alice/big.bin", twoMib);
        assertThat(refused.status()).as(refused.body()).isEqualTo(507);
        assertThat(file).doesNotExist();
        try (var staged = Files.list(hub.dataRoot().resolve("staging"))) {
            assertThat(staged.toList()).as("staging after a refused PUT").isEmpty();
        }

        admin.api("PUT", "/api/users/alice/quota", "{\"quota\":\"3m\"}").expectStatus(200);
        assertThat(davPut("/dav/alice/big.bin", twoMib).status()).isEqualTo(201);
        assertThat(file).hasSize(2 * MIB);

        // Lowered below what she uses: allowed, said so, and the next write is refused until she frees space.
        JsonNode lowered = json(admin.api("PUT", "/api/users/alice/quota", "{\"quota\":\"1m\"}").expectStatus(200));
        assertThat(lowered.path("over_quota").asBoolean()).isTrue();
        assertThat(lowered.path("warning").asString()).contains("507").contains("until they free space");
        assertThat(davPut("/dav/alice/small.txt", "hello".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(507);

        admin.api("DELETE", "/api/users/alice/quota").expectStatus(200);
        assertThat(davPut("/dav/alice/small.txt", "hello".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(201);
    }

    @Test
    void theUsageListingShowsEveryUserMostUsedFirst() throws Exception {
        Files.write(hub.dataRoot().resolve("homes/bob/data.bin"), new byte[300_000]);
        JsonNode all = json(admin.api("GET", "/api/admin/usage").expectStatus(200));
        assertThat(all.path("default_quota_bytes").asLong()).isEqualTo(5 * MIB);
        List<String> names = new ArrayList<>();
        all.path("users").forEach(u -> names.add(u.path("name").asString()));
        assertThat(names).contains("admin", "alice", "bob");
        List<Long> used = new ArrayList<>();
        all.path("users").forEach(u -> used.add(u.path("used_bytes").asLong()));
        assertThat(used).isSortedAccordingTo((a, b) -> Long.compare(b, a));

        JsonNode byName = json(admin.api("GET", "/api/admin/usage?order=name").expectStatus(200));
        assertThat(byName.path("users").get(0).path("name").asString()).isEqualTo("admin");
        admin.api("GET", "/api/admin/usage?order=size").expectStatus(400);
    }

    @Test
    void theStoragePageListsUsersAndItsFormSetsAndResetsAQuota() {
        String page = admin.get("/admin/storage").expectStatus(200).body();
        assertThat(page).contains("id=\"user-alice\"").contains("id=\"user-bob\"").contains("href=\"/admin/storage\"");

        HubClient.Res set = admin.form("/admin/storage/bob/quota", Map.of("amount", "1.5", "unit", "G"));
        assertThat(set.status()).isEqualTo(303);
        assertThat(json(admin.api("GET", "/api/users/bob/usage")).path("limit_bytes").asLong()).isEqualTo(3L << 29);
        assertThat(admin.get("/admin/storage").body()).contains("Quota of bob set.");

        HubClient.Res bad = admin.form("/admin/storage/bob/quota", Map.of("amount", "10", "unit", "K"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).contains("choose a unit");

        assertThat(admin.form("/admin/storage/bob/quota", Map.of("action", "reset")).status()).isEqualTo(303);
        assertThat(json(admin.api("GET", "/api/users/bob/usage")).path("quota_source").asString()).isEqualTo("default");
    }

    /** Not a promise but a number for the report: the page for 200 users with 100 files each, cold and warm. */
    @Test
    void theStoragePageFor200UsersWith100FilesEachAnswersQuickly() throws Exception {
        UserStore users = new UserStore(hub.hub().catalog().jdbi());
        String hash = users.passwordHash("alice").orElseThrow();
        for (int i = 0; i < 200; i++) {
            String name = String.format("load%03d", i);
            users.create(name, hash, false, User.State.ACTIVE, Optional.empty(), Instant.now());
            Path home = hub.dataRoot().resolve("homes").resolve(name);
            for (int d = 0; d < 10; d++) {
                Path dir = Files.createDirectories(home.resolve("d" + d));
                for (int f = 0; f < 10; f++) {
                    Files.write(dir.resolve("f" + f + ".txt"), new byte[1000 + i]);
                }
            }
        }
        long t0 = System.nanoTime();
        String cold = admin.get("/admin/storage").expectStatus(200).body();
        long t1 = System.nanoTime();
        admin.get("/admin/storage").expectStatus(200);
        long t2 = System.nanoTime();
        System.out.printf("admin storage page, 200 users x 100 files: cold %d ms, warm %d ms%n", (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        assertThat(cold).contains("id=\"user-load199\"");
        assertThat(cold.indexOf("user-load199")).as("most used first").isLessThan(cold.indexOf("user-load000"));
        assertThat((t2 - t1) / 1_000_000).as("warm page, ms").isLessThan(2_000);
    }

    private static HubClient.Res davPut(String path, byte[] body) {
        String basic = Base64.getEncoder().encodeToString(("alice:" + aliceDav).getBytes(StandardCharsets.UTF_8));
        return hub.client().send(HttpRequest.newBuilder(URI.create(hub.baseUrl() + path)).PUT(HttpRequest.BodyPublishers.ofByteArray(body)),
                Map.of("Authorization", "Basic " + basic));
    }

    private static List<String> auditDetails(String action, String target) {
        List<String> details = new ArrayList<>();
        for (JsonNode e : json(admin.api("GET", "/api/audit?limit=500&action=" + action).expectStatus(200))) {
            if (e.path("target").asString().equals(target)) {
                details.add(e.path("detail").asString());
            }
        }
        return details;
    }

    private static JsonNode json(HubClient.Res r) {
        return Json.MAPPER.readTree(r.body());
    }
}
