package org.labhub.environments;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.labhub.podman.ImageInfo;
import org.labhub.podman.PodmanClient;
import org.labhub.podman.TestPodman;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/**
 * The kernel images built by {@code ./labhub kernels build} (minimal, python, r, octave must be in root's Podman)
 * become environments, against a real hub, its own Podman service and Derby.
 */
@ExtendWith(TestPodman.class)
class EnvironmentScannerTest {
    static TestHub hub;
    static HubClient admin;
    static PodmanClient podman;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        String token = hub.admin().api("POST", "/api/users/admin/tokens", "{\"scopes\":[\"read\",\"admin\"]}").expectStatus(201).json("token");
        admin = hub.client().withToken(token);
        podman = hub.hub().podman().client();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    @AfterEach
    void noPackageReadingContainerIsLeftBehind() {
        assertThat(podman.containers().listByLabel(ImagePackages.SCAN_LABEL)).isEmpty();
    }

    private static JsonNode json(HubClient.Res r) {
        return Json.MAPPER.readTree(r.body());
    }

    private static JsonNode scan() {
        return json(admin.api("POST", "/api/environments/scan", "{}").expectStatus(200));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.values().forEach(v -> out.add(v.asString()));
        return out;
    }

    /** The kernel names of the images in Podman, as the scanner should see them. */
    private static TreeSet<String> kernelsInPodman() {
        TreeSet<String> names = new TreeSet<>();
        for (ImageInfo i : podman.images().list()) {
            Optional.ofNullable(i.labels().get(EnvironmentScanner.KERNEL_LABEL)).ifPresent(names::add);
        }
        return names;
    }

    private static Timestamp updatedAt(String name) {
        return hub.hub().catalog().jdbi().withHandle(h -> h.createQuery("SELECT updated_at FROM environments WHERE name = :n")
                .bind("n", name).mapTo(Timestamp.class).one());
    }

    @Test
    void theStartUpScanRegistersEveryKernelImageFromItsLabelsAndRecordedPackages() {
        ImageInfo minimal = podman.images().inspect("localhost/labhub/kernel-minimal:latest");
        String hashTag = "localhost/labhub/kernel-minimal:" + minimal.labels().get("org.labhub.recipe-hash").substring(0, 12);
        assertThat(minimal.names()).contains(hashTag);

        JsonNode e = json(admin.api("GET", "/api/environments/minimal").expectStatus(200));

        assertThat(e.path("image").asString()).isEqualTo(hashTag);
        assertThat(e.path("image_id").asString()).isEqualTo(minimal.id());
        assertThat(minimal.repoDigests().get(0)).endsWith("@" + e.path("image_digest").asString());
        assertThat(e.path("image_digest").asString()).matches("sha256:[0-9a-f]{64}");
        assertThat(e.path("source").asString()).isEqualTo("recipe");
        assertThat(e.path("language").asString()).isEqualTo("python");
        assertThat(e.path("display_name").asString()).isEqualTo(minimal.labels().get("org.labhub.display-name"));
        assertThat(e.path("description").asString()).isEqualTo(minimal.labels().get("org.labhub.description"));
        assertThat(e.path("enabled").asBoolean()).isTrue();
        assertThat(e.path("network").asString()).isEqualTo("none");
        JsonNode packages = e.path("packages");
        assertThat(packages.size()).isGreaterThan(100).isEqualTo(e.path("package_count").asInt());
        assertThat(packages.values()).filteredOn(p -> p.path("name").asString().equals("python3-notebook")).singleElement()
                .satisfies(p -> assertThat(p.path("version").asString()).matches("\\d[\\w.+~:-]*"));

        List<String> listed = new ArrayList<>();
        json(admin.api("GET", "/api/environments").expectStatus(200)).values().forEach(x -> listed.add(x.path("name").asString()));
        assertThat(listed).containsExactlyElementsOf(kernelsInPodman()).contains("minimal", "python", "r", "octave");
    }

    @Test
    void aRescanWithNothingChangedChangesNothingAndIsQuick() {
        scan(); // whatever an earlier test left, this scan settles it
        Timestamp before = updatedAt("python");
        Instant start = Instant.now();

        JsonNode summary = scan();

        // One image list and a catalog read per kernel; generous for a loaded machine, far below reading packages anew.
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(summary.path("added").size()).isZero();
        assertThat(summary.path("updated").size()).isZero();
        assertThat(summary.path("skipped").size()).isZero();
        assertThat(strings(summary.path("unchanged"))).containsExactlyElementsOf(kernelsInPodman());
        assertThat(updatedAt("python")).isEqualTo(before);
    }

    @Test
    void aRebuiltKernelMovesItsEnvironmentToTheNewImageAndKeepsWhatTheAdminSet() {
        String realId = json(admin.api("GET", "/api/environments/minimal")).path("image_id").asString();
        admin.api("PATCH", "/api/environments/minimal", "{\"enabled\":false,\"network\":\"bridge\"}").expectStatus(200);
        // What the catalog holds after an older build: another image id and tag.
        hub.hub().catalog().jdbi().useHandle(h -> h.execute("UPDATE environments SET image_id = 'an-older-build', "
                + "image = 'localhost/labhub/kernel-minimal:000000000000', packages = 'python3-notebook\t6.0', package_count = 1 "
                + "WHERE name = 'minimal'"));

        JsonNode summary = scan();

        assertThat(strings(summary.path("updated"))).containsExactly("minimal");
        assertThat(summary.path("added").size()).isZero();
        JsonNode e = json(admin.api("GET", "/api/environments/minimal").expectStatus(200));
        assertThat(e.path("image_id").asString()).isEqualTo(realId);
        assertThat(e.path("image").asString()).isNotEqualTo("localhost/labhub/kernel-minimal:000000000000").endsWith(
                podman.images().inspect("localhost/labhub/kernel-minimal:latest").labels().get("org.labhub.recipe-hash").substring(0, 12));
        assertThat(e.path("package_count").asInt()).isGreaterThan(100);
        assertThat(e.path("enabled").asBoolean()).isFalse();
        assertThat(e.path("network").asString()).isEqualTo("bridge");
        assertThat(admin.api("GET", "/api/audit?action=environment.scan").expectStatus(200).body()).contains("updated minimal");

        admin.api("PATCH", "/api/environments/minimal", "{\"enabled\":true,\"network\":\"none\"}").expectStatus(200);
    }

    @Test
    void aDeletedKernelEnvironmentComesBackWithTheNextScan() {
        admin.api("DELETE", "/api/environments/r").expectStatus(204);
        admin.api("GET", "/api/environments/r").expectStatus(404);

        JsonNode summary = scan();

        assertThat(strings(summary.path("added"))).containsExactly("r");
        assertThat(json(admin.api("GET", "/api/environments/r").expectStatus(200)).path("language").asString()).isEqualTo("R");
    }

    @Test
    void anImageAnAdminRegisteredUnderAKernelsNameIsNeverTouchedByAScan() {
        admin.api("DELETE", "/api/environments/octave").expectStatus(204);
        admin.api("POST", "/api/environments", "{\"name\":\"octave\",\"image\":\"" + TestPodman.image() + "\"}").expectStatus(201);
        try {
            JsonNode summary = scan();

            assertThat(summary.path("skipped").values()).singleElement().satisfies(s -> {
                assertThat(s.path("name").asString()).isEqualTo("octave");
                assertThat(s.path("reason").asString()).contains("administrator registered another image");
            });
            JsonNode e = json(admin.api("GET", "/api/environments/octave").expectStatus(200));
            assertThat(e.path("source").asString()).isEqualTo("image");
            assertThat(e.path("image").asString()).isEqualTo(TestPodman.IMAGE);
        } finally {
            admin.api("DELETE", "/api/environments/octave"); // whatever happened above, the kernel comes back
            scan();
        }
        assertThat(json(admin.api("GET", "/api/environments/octave").expectStatus(200)).path("source").asString()).isEqualTo("recipe");
    }

    @Test
    void theImageOfAKernelIsItsRecipeHashTagElseAnotherTagElseLatestElseTheId() {
        Map<String, String> labels = Map.of("org.labhub.recipe-hash", "abcdef1234567890");
        assertThat(EnvironmentScanner.reference(image(labels, "x/k:latest", "x/k:0000", "x/k:abcdef123456"))).isEqualTo("x/k:abcdef123456");
        assertThat(EnvironmentScanner.reference(image(labels, "x/k:latest", "x/k:0000"))).isEqualTo("x/k:0000");
        assertThat(EnvironmentScanner.reference(image(Map.of(), "x/k:latest"))).isEqualTo("x/k:latest");
        assertThat(EnvironmentScanner.reference(image(Map.of()))).isEqualTo("the-id");
    }

    private static ImageInfo image(Map<String, String> labels, String... names) {
        return new ImageInfo("the-id", "", List.of(names), 0, labels, Optional.empty(), List.of());
    }

    @Test
    void withoutPodmanTheHubStartsAndAScanSaysWhyItCannotRun() throws Exception {
        try (TestHub down = TestHub.start(Map.of("podman.socket", "/nonexistent/labhub/podman.sock"))) {
            HubClient a = down.admin();
            assertThat(json(a.api("GET", "/api/environments").expectStatus(200)).size()).isZero();

            HubClient.Res r = a.api("POST", "/api/environments/scan", "{}").expectStatus(503);

            assertThat(r.json("message")).contains("Podman is not reachable at /nonexistent/labhub/podman.sock");
            assertThat(a.api("POST", "/api/environments", "{\"name\":\"x\",\"image\":\"" + TestPodman.IMAGE + "\"}")
                    .expectStatus(503).json("message")).contains("Podman is not reachable");
        }
    }
}
