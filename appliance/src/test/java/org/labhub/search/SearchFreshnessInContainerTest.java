package org.labhub.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.spawner.Notebooks;
import org.labhub.spawner.Server;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/**
 * A notebook saved from inside alice's running container (into her bind-mounted home, where the hub's file layer
 * never sees it) is found by /api/search within 5 s, and is gone within 5 s of being deleted there.
 */
class SearchFreshnessInContainerTest {
    private static final String MINIMAL = "{\"environment\":\"minimal\",\"profile\":\"small\"}";
    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

    private static TestHub t;
    private static HubClient alice;

    @BeforeAll
    static void start() throws Exception {
        t = TestHub.start();
        Notebooks.requireMinimal(t);
        alice = t.user("alice", "alice-password-1");
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    @Test
    void aNotebookWrittenInsideTheContainerIsFoundWithinFiveSecondsAndGoneWithinFiveSecondsOfItsDeletion() throws Exception {
        Server s = Notebooks.start(t, alice, "alice", "", MINIMAL);
        String id = s.containerId().orElseThrow();
        try {
            Notebooks.await("the index caught up", Duration.ofSeconds(30), () -> !search("anything").path("catching_up").asBoolean(true));
            String notebook = "{\"cells\":[{\"cell_type\":\"markdown\",\"metadata\":{},\"source\":\"# Quokka census\\n\\nCounting quokkas on Rottnest\"},"
                    + "{\"cell_type\":\"code\",\"metadata\":{},\"execution_count\":1,\"outputs\":[],\"source\":\"import pandas as pd\"}],"
                    + "\"metadata\":{\"kernelspec\":{\"language\":\"python\",\"name\":\"python3\"}},\"nbformat\":4,\"nbformat_minor\":5}";

            long t0 = System.nanoTime();
            Notebooks.Exec w = Notebooks.exec(id, "sh", "-c", "mkdir -p /home/jovyan/census && printf '%s' '" + notebook
                    + "' > /home/jovyan/census/.~quokkas.ipynb && mv /home/jovyan/census/.~quokkas.ipynb /home/jovyan/census/quokkas.ipynb");
            assertThat(w.exit()).as(w.output()).isZero();
            Duration found = Notebooks.await("the notebook is found", Duration.ofSeconds(30),
                    () -> hits("quokkas").contains("census/quokkas.ipynb"));
            long foundMillis = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("SearchFreshnessInContainerTest: written in the container -> found by /api/search in %d ms%n", foundMillis);
            assertThat(Duration.ofMillis(foundMillis)).isLessThanOrEqualTo(FIVE_SECONDS);
            assertThat(found).isLessThanOrEqualTo(FIVE_SECONDS);

            long t1 = System.nanoTime();
            Notebooks.Exec rm = Notebooks.exec(id, "rm", "/home/jovyan/census/quokkas.ipynb");
            assertThat(rm.exit()).as(rm.output()).isZero();
            Notebooks.await("the notebook is gone", Duration.ofSeconds(30), () -> search("quokkas").path("total").asLong() == 0);
            long goneMillis = (System.nanoTime() - t1) / 1_000_000;
            System.out.printf("SearchFreshnessInContainerTest: deleted in the container -> gone from /api/search in %d ms%n", goneMillis);
            assertThat(Duration.ofMillis(goneMillis)).isLessThanOrEqualTo(FIVE_SECONDS);
        } finally {
            alice.api("DELETE", "/api/users/alice/server").expectStatus(204);
        }
    }

    private static JsonNode search(String q) {
        return Json.MAPPER.readTree(alice.api("GET", "/api/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8))
                .expectStatus(200).body());
    }

    private static String hits(String q) {
        StringBuilder paths = new StringBuilder();
        search(q).path("hits").forEach(h -> paths.append(h.path("path").asString()).append('\n'));
        return paths.toString();
    }
}
