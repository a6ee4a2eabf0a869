package org.labhub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

class MetricsAndHealthTest {
    static TestHub hub;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start(Map.of("auth.throttle.free_failures", "0", "auth.throttle.base_delay", "300ms"));
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    @Test
    void healthReportsTheCatalogAndPodmanWithoutLogin() {
        HubClient.Res r = hub.client().get("/api/health").expectStatus(200);
        assertThat(r.body()).isEqualTo("{\"status\":\"ok\",\"checks\":{\"catalog\":\"ok\",\"podman\":\"ok\",\"search\":\"ok\"}}");
    }

    /** Homes the hub cannot watch for changes still get searched, but late: health says degraded, and why. */
    @Test
    void searchThatCanWatchTooFewFoldersMakesHealthDegraded() throws Exception {
        java.nio.file.Path data = java.nio.file.Files.createTempDirectory("labhub-test");
        for (String user : java.util.List.of("ann", "ben", "cy")) {
            java.nio.file.Files.createDirectories(data.resolve("homes/" + user + "/notebooks"));
        }
        try (TestHub small = TestHub.startOn(data, java.util.Map.of("search.max_watched_folders", "2"))) {
            // the start pass begins once every home is watched or given up
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            while (small.hub().search().freshness().catchingUp() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(small.hub().search().freshness().catchingUp()).as("start pass done").isFalse();
            HubClient.Res r = small.client().get("/api/health").expectStatus(200);
            int unwatched = small.hub().search().freshness().unwatchedHomes().size();
            assertThat(unwatched).as("three homes of two folders each, and the admin's, against a cap of two").isGreaterThanOrEqualTo(2);
            assertThat(r.body()).startsWith("{\"status\":\"degraded\",\"checks\":{\"catalog\":\"ok\",\"podman\":\"ok\",\"search\":\""
                    + unwatched + " homes are not watched for changes").contains("at the next reconcile, every 5 min");
            assertThat(small.admin().get("/metrics").expectStatus(200).body()).contains("labhub_search_unwatched_homes " + unwatched + ".0")
                    .containsPattern("labhub_search_watched_folders [12]\\.0");
        }
    }

    @Test
    void metricsAreForAdminsInPrometheusTextFormat() throws Exception {
        hub.client().get("/metrics").expectStatus(401);
        HubClient.Res r = hub.admin().get("/metrics").expectStatus(200);
        assertThat(r.header("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        assertThat(r.body()).contains("# TYPE labhub_http_requests_total counter", "labhub_users 1.0", "labhub_uptime_seconds",
                "labhub_servers{state=\"running\"} 0.0");
    }

    @Test
    void aHeldBackLoginAnswerIsCountedWithItsRealStatus() throws Exception {
        hub.client().login("nobody-by-this-name", "wrong-password").expectStatus(401);
        HubClient admin = hub.admin();
        String line = "labhub_http_requests_total{method=\"POST\",route=\"/login\",status=\"401\"}";
        Instant deadline = Instant.now().plusSeconds(5);
        String metrics;
        do {
            metrics = admin.get("/metrics").expectStatus(200).body();
        } while (!metrics.contains(line) && Instant.now().isBefore(deadline));
        assertThat(metrics).contains(line);
        assertThat(metrics).doesNotContain("method=\"POST\",route=\"/login\",status=\"200\"");
    }
}
