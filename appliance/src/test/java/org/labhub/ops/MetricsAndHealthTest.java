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
        assertThat(r.body()).isEqualTo("{\"status\":\"ok\",\"checks\":{\"catalog\":\"ok\",\"podman\":\"ok\"}}");
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
