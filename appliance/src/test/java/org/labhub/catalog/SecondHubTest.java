package org.labhub.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.labhub.server.Hub;
import org.labhub.testing.ForkedJvm;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;

/** A data root is served by one hub at a time: a second one, in this JVM or another, refuses and harms nothing. */
class SecondHubTest {
    private TestHub first;
    private HubClient admin;

    @BeforeEach
    void startFirstHub() throws Exception {
        first = TestHub.start();
        admin = first.admin();
        admin.api("POST", "/api/users/resident", "{\"password\":\"resident-password-1\"}").expectStatus(201);
    }

    @AfterEach
    void stopFirstHub() throws Exception {
        first.close();
    }

    @Test
    void aSecondHubInTheSameJvmIsRefusedNamingTheDataRoot() {
        Map<String, String> sameRoot = Map.of("data.root", first.dataRoot().toString(), "http.port", "0");
        assertThatThrownBy(() -> Hub.start(TestHub.config(sameRoot)))
                .isInstanceOf(DataRootLock.DataRootInUseException.class)
                .hasMessageContaining(first.dataRoot().toAbsolutePath().normalize().toString());
        assertFirstHubUntouched();
    }

    @Test
    void aSecondHubProcessExitsWithStatusOneAndTheFirstKeepsServing() throws Exception {
        try (ForkedJvm second = ForkedJvm.start("org.labhub.Main", Map.of(),
                "run", "--data", first.dataRoot().toString(), "--port", "0")) {
            assertThat(second.awaitExit(Duration.ofSeconds(90))).as("exit status; stderr: %s", second.stderr()).isEqualTo(1);
            assertThat(second.stderr()).contains("another labhub process");
            assertThat(second.stdout()).doesNotContain("labhub is serving");
        }
        assertFirstHubUntouched();
    }

    @Test
    void aRefusedHubInTheSameJvmDoesNotLetAnotherProcessIn() throws Exception {
        Map<String, String> sameRoot = Map.of("data.root", first.dataRoot().toString(), "http.port", "0");
        assertThatThrownBy(() -> Hub.start(TestHub.config(sameRoot))).isInstanceOf(DataRootLock.DataRootInUseException.class);
        try (ForkedJvm second = ForkedJvm.start("org.labhub.Main", Map.of(),
                "run", "--data", first.dataRoot().toString(), "--port", "0")) {
            assertThat(second.awaitExit(Duration.ofSeconds(90))).as("exit status; stdout: %s", second.stdout()).isEqualTo(1);
            assertThat(second.stderr()).contains("another labhub process");
        }
        assertFirstHubUntouched();
    }

    private void assertFirstHubUntouched() {
        admin.get("/api/health").expectStatus(200);
        List<String> names = Json.MAPPER.readTree(admin.api("GET", "/api/users").expectStatus(200).body())
                .valueStream().map(u -> u.path("name").asString()).toList();
        assertThat(names).containsExactlyInAnyOrder("admin", "resident");
        first.client().login("resident", "resident-password-1").expectStatus(303);
    }
}
