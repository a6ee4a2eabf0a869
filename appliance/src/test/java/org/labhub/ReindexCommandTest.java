package org.labhub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.spawner.Notebooks;
import org.labhub.testing.TestHub;

/**
 * {@code labhub reindex} rebuilds the search index offline (no hub running: under the data-root lock, printing the
 * number of documents) and online (the running hub rebuilds in the background, the command prints its progress).
 */
class ReindexCommandTest {
    @TempDir
    Path tmp;

    @Test
    void offlineItBuildsANewIndexFromTheHomesAndPrintsTheDocumentCount() throws Exception {
        Path root = tmp.resolve("data");
        try (TestHub t = TestHub.startOn(root, Map.of())) {
            t.user("alice", "alice-password-1");
        }
        writeFiles(root, 250);

        Run r = reindex(root);

        assertThat(r.exit()).as(r.out()).isZero();
        // Two homes: the first admin's (empty) and alice's.
        assertThat(r.out()).contains("reindex: done: 250 files of 2 homes").contains("the index holds 250 documents");
        try (TestHub t = TestHub.startOn(root, Map.of())) {
            Notebooks.await("the start-up pass", Duration.ofSeconds(60), () -> t.hub().search().freshness().startPass().isPresent());
            assertThat(t.hub().search().freshness().startPass().orElseThrow().put())
                    .as("the rebuilt index was committed and is current").isZero();
            assertThat(t.hub().search().index().documents()).isEqualTo(250);
        }
    }

    @Test
    void onlineTheRunningHubRebuildsInTheBackgroundAndTheCommandReportsWhenItIsDone() throws Exception {
        Path root = tmp.resolve("data");
        try (TestHub t = TestHub.startOn(root, Map.of())) {
            t.user("alice", "alice-password-1");
            writeFiles(root, 250);
            Notebooks.await("the start-up pass", Duration.ofSeconds(60), () -> t.hub().search().freshness().startPass().isPresent());

            Run r = reindex(root);

            assertThat(r.exit()).as(r.out()).isZero();
            assertThat(r.out()).contains("the running hub rebuilds the index in the background")
                    .contains("reindex: done: 250 files of 2 homes");
            assertThat(t.hub().search().freshness().rebuildStatus().last().orElseThrow().put()).isEqualTo(250);
        }
    }

    private static void writeFiles(Path root, int n) throws Exception {
        Path dir = Files.createDirectories(root.resolve("homes/alice/notes"));
        for (int i = 0; i < n; i++) {
            Files.writeString(dir.resolve("n" + i + ".md"), "# Note " + i + "\nabout reindexing\n");
        }
    }

    private record Run(int exit, String out) {}

    private static synchronized Run reindex(Path root) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.run(new String[] {"reindex", "--data", root.toString()});
            return new Run(exit, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(saved);
        }
    }
}
