package org.labhub.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.spawner.Notebooks;
import org.labhub.storage.Entry;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.testing.ForkedJvm;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/**
 * The index is derived, so no crash can lose a file from search: a hub killed with {@code kill -9} while it indexes
 * thousands of new files, or an index file corrupted on disk, is followed by a start that repairs (or rebuilds) the
 * index in the background while serving, after which every file is found and the index matches the disk exactly.
 */
class SearchCrashTest {
    private static final Duration START = Duration.ofSeconds(90);
    private static final Map<String, String> CHEAP_HASHING = Map.of(
            "LABHUB_AUTH_ARGON2_MEMORY_KIB", "1024", "LABHUB_AUTH_ARGON2_ITERATIONS", "1");
    private static final int FILES = 3000;

    @TempDir
    Path tmp;

    @Test
    void aHubKilledDuringHeavyIndexingRestartsWithAConsistentIndexWhereEveryFileIsFound() throws Exception {
        Path root = tmp.resolve("data");
        try (TestHub first = TestHub.startOn(root, Map.of())) {
            first.user("alice", "alice-password-1");
        }
        Path bulk = Files.createDirectories(root.resolve("homes/alice/bulk"));
        try (ForkedJvm hub = ForkedJvm.start("org.labhub.Main", CHEAP_HASHING, "run", "--data", root.toString(), "--port", "0")) {
            hub.awaitStdout("labhub is serving", START);
            java.util.regex.Matcher url = java.util.regex.Pattern.compile("serving (http://127\\.0\\.0\\.1:\\d+)/").matcher(hub.stdout());
            assertThat(url.find()).as(hub.stdout()).isTrue();
            HubClient forked = new HubClient(url.group(1));
            forked.login("alice", "alice-password-1").expectStatus(303);
            // From the end of its start-up pass on, the forked hub's watcher indexes, uncommitted for 30 s.
            Notebooks.await("the forked hub's start-up pass", START, () -> !search(forked, "x").path("catching_up").asBoolean(true));
            // Written as a notebook container would, straight into the home, while the forked hub's watcher indexes them;
            // the kill comes half-way through the writing, the rest is written while no hub runs.
            for (int i = 0; i < FILES / 2; i++) {
                Files.writeString(bulk.resolve("note-" + i + ".txt"), "crash survivor number tok" + i + " in the bulk folder\n");
            }
            Thread.sleep(300);
            hub.kill9(Duration.ofSeconds(30));
        }
        for (int i = FILES / 2; i < FILES; i++) {
            Files.writeString(bulk.resolve("note-" + i + ".txt"), "crash survivor number tok" + i + " in the bulk folder\n");
        }

        try (TestHub again = TestHub.startOn(root, Map.of())) {
            HubClient alice = login(again);
            Notebooks.await("the index caught up", Duration.ofSeconds(120),
                    () -> !search(alice, "survivor").path("catching_up").asBoolean(true));
            IndexReconciler.Result repair = again.hub().search().freshness().startPass().orElseThrow();
            System.out.println("SearchCrashTest: after kill -9 the start-up reconcile put " + repair.put() + " and removed "
                    + repair.removed() + " of " + repair.files() + " files in " + repair.millis() + " ms");
            assertThat(repair.put()).as("the kill left uncommitted or unindexed files for the restart to repair").isPositive();
            assertThat(search(alice, "survivor").path("total").asLong()).isEqualTo(FILES);
            for (int i = 0; i < FILES; i += 97) {
                assertThat(search(alice, "tok" + i).path("hits").get(0).path("path").asString()).isEqualTo("bulk/note-" + i + ".txt");
            }
            assertThat(again.hub().search().index().fingerprints("alice")).isEqualTo(onDisk(again, root.resolve("homes/alice")));
        }
    }

    @Test
    void aCorruptIndexIsRebuiltInTheBackgroundWhileTheHubServesAndSaysItIsCatchingUp() throws Exception {
        Path root = tmp.resolve("data");
        try (TestHub first = TestHub.startOn(root, Map.of())) {
            HubClient alice = first.user("alice", "alice-password-1");
            Path bulk = Files.createDirectories(root.resolve("homes/alice/bulk"));
            for (int i = 0; i < FILES; i++) {
                Files.writeString(bulk.resolve("note-" + i + ".txt"), "survivor of corruption tok" + i + "\n");
            }
            Notebooks.await("all indexed", Duration.ofSeconds(60), () -> search(alice, "survivor").path("total").asLong() == FILES);
        }
        try (Stream<Path> files = Files.list(root.resolve("index"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (!f.getFileName().toString().equals("write.lock")) {
                    Files.write(f, "this is not a Lucene file".getBytes(StandardCharsets.US_ASCII));
                }
            }
        }

        try (TestHub again = TestHub.startOn(root, Map.of())) {
            HubClient alice = login(again);
            assertThat(search(alice, "survivor").path("catching_up").asBoolean())
                    .as("right after the start the rebuild is still running").isTrue();
            Notebooks.await("the rebuild finished", Duration.ofSeconds(120),
                    () -> !search(alice, "survivor").path("catching_up").asBoolean(true));
            assertThat(again.hub().search().freshness().startPass().orElseThrow().put()).as("a full rebuild").isEqualTo(FILES);
            assertThat(search(alice, "survivor").path("total").asLong()).isEqualTo(FILES);
            assertThat(search(alice, "tok1234").path("hits").get(0).path("path").asString()).isEqualTo("bulk/note-1234.txt");
            assertThat(again.hub().search().index().fingerprints("alice")).isEqualTo(onDisk(again, root.resolve("homes/alice")));
        }
    }

    /** What the index should hold for a home: every regular file (outside hidden folders) and its etag. */
    private static Map<RelPath, String> onDisk(TestHub t, Path home) throws Exception {
        Map<RelPath, String> out = new HashMap<>();
        try (Stream<Path> all = Files.walk(home)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                RelPath rel = RelPath.parse(home.relativize(p).toString());
                if (IndexedPaths.indexed(rel)) {
                    Entry e = t.hub().search().files().stat(new Location("alice", rel)).orElseThrow();
                    out.put(rel, e.etag());
                }
            }
        }
        return out;
    }

    private static HubClient login(TestHub t) {
        HubClient c = t.client();
        c.login("alice", "alice-password-1").expectStatus(303);
        return c;
    }

    private static JsonNode search(HubClient user, String q) {
        return Json.MAPPER.readTree(user.api("GET", "/api/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8))
                .expectStatus(200).body());
    }
}
