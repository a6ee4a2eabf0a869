package org.labhub.spawner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.environments.EnvironmentStore;
import org.labhub.environments.ProfileStore;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/** What may be started by whom, the limits, and the progress stream. */
class SpawnRulesTest {
    private static TestHub t;
    private static HubClient admin;
    private static HubClient alice;
    private static HubClient bob;

    @BeforeAll
    static void start() throws Exception {
        t = TestHub.start(Map.of("spawner.max_running", "2", "spawner.max_named_servers", "1"));
        Notebooks.requireMinimal(t);
        admin = t.admin();
        alice = t.user("alice", "alice-password-1");
        bob = t.user("bob", "bob-password-12");
        admin.api("POST", "/api/groups/power", "{}").expectStatus(201);
        new ProfileStore(t.hub().catalog().jdbi()).insert(new ProfileStore.Fields("huge", "Huge", 4, 16L << 30, 2048, false, 9,
                List.of("power")), Instant.now());
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    private static String error(HubClient.Res r) throws Exception {
        return Json.MAPPER.readTree(r.body()).path("message").asString();
    }

    @Test
    void badStartRequestsAreRefusedWithAClearErrorAndLeaveNothingBehind() throws Exception {
        HubClient frank = t.user("frank", "frank-password-1");
        HubClient.Res unknown = frank.api("POST", "/api/users/frank/server", "{\"environment\":\"cobol\"}").expectStatus(400);
        assertThat(error(unknown)).contains("no environment called \"cobol\"").contains("minimal");

        HubClient.Res restricted = frank.api("POST", "/api/users/frank/server", "{\"environment\":\"minimal\",\"profile\":\"huge\"}")
                .expectStatus(403);
        assertThat(error(restricted)).contains("only for members of power").contains("small");

        HubClient.Res noProfile = frank.api("POST", "/api/users/frank/server", "{\"environment\":\"minimal\",\"profile\":\"xl\"}")
                .expectStatus(400);
        assertThat(error(noProfile)).contains("no resource profile called \"xl\"");

        HubClient.Res foreign = frank.api("POST", "/api/users/bob/server", "{\"environment\":\"minimal\"}").expectStatus(403);
        assertThat(error(foreign)).contains("your own account");

        frank.api("POST", "/api/users/frank/server", "{\"environment\":\"minimal\",\"cpus\":64}").expectStatus(400);
        frank.api("POST", "/api/users/frank/server", "[1,2]").expectStatus(400);
        HubClient.Res badName = frank.api("POST", "/api/users/frank/servers/Bad.Name", "{}").expectStatus(400);
        assertThat(error(badName)).contains("a server name is");
        frank.api("POST", "/api/users/frank/servers/default", "{}").expectStatus(400);

        new EnvironmentStore(t.hub().catalog().jdbi()).setEnabled("minimal", false, Instant.now());
        try {
            HubClient.Res disabled = frank.api("POST", "/api/users/frank/server", "{\"environment\":\"minimal\"}").expectStatus(400);
            assertThat(error(disabled)).contains("disabled by an administrator");
        } finally {
            new EnvironmentStore(t.hub().catalog().jdbi()).setEnabled("minimal", true, Instant.now());
        }

        // Nothing was recorded or created by any of these.
        assertThat(t.hub().spawner().serversOf("frank")).isEmpty();
        assertThat(t.hub().podman().client().containers().listByLabel(NotebookContainers.LABEL_USER + "=frank")).isEmpty();
        // A member of the group may use the restricted profile (checked without starting: huge asks for 16 GB).
        admin.api("POST", "/api/groups/power/users", "{\"users\":[\"bob\"]}").expectStatus(200);
        assertThat(t.hub().spawner().serversOf("bob")).isEmpty();
    }

    @Test
    void anImageThatIsGoneIsAConflictThatSaysHowToRebuildIt() throws Exception {
        EnvironmentStore envs = new EnvironmentStore(t.hub().catalog().jdbi());
        envs.insert(new EnvironmentStore.Image("ghost", "Ghost", "", "localhost/labhub/kernel-ghost:nope", "sha256:0", "",
                org.labhub.environments.Environment.Source.RECIPE, "python", List.of()), Instant.now());
        HubClient.Res r = bob.api("POST", "/api/users/bob/server", "{\"environment\":\"ghost\"}").expectStatus(409);
        assertThat(error(r)).contains("missing from Podman").contains("./labhub kernels build ghost");
        assertThat(t.hub().spawner().serversOf("bob")).isEmpty();
        envs.delete("ghost");
    }

    @Test
    void theProgressStreamShowsEveryStageUpToReadyAndTheRunningLimitHolds() throws Exception {
        HubClient carol = t.user("carol", "carol-password-1");
        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<HubClient.Res> started = CompletableFuture.supplyAsync(
                () -> carol.api("POST", "/api/users/carol/server", "{\"environment\":\"minimal\"}"));
        Notebooks.await("carol's start recorded", Duration.ofSeconds(10),
                () -> t.hub().spawner().server(ServerKey.defaultOf("carol")).isPresent());
        HttpRequest progress = HttpRequest.newBuilder(URI.create(t.baseUrl() + "/api/users/carol/server/progress"))
                .header("Cookie", "labhub_session=" + carol.cookie("labhub_session").orElse(""))
                .header("Accept", "text/event-stream").build();
        HttpResponse<java.io.InputStream> stream = http.send(progress, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("data: ")) {
                    events.add(Json.MAPPER.readTree(line.substring(6)));
                }
            }
        }
        assertThat(started.join().status()).isIn(201, 202);
        assertThat(events).hasSizeGreaterThanOrEqualTo(5);
        assertThat(events).extracting(e -> e.path("progress").asInt()).isSorted();
        assertThat(events).extracting(e -> e.path("message").asString())
                .anySatisfy(m -> assertThat(m).contains("creating the container"))
                .anySatisfy(m -> assertThat(m).contains("waiting for the notebook"));
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.path("ready").asBoolean()).isTrue();
        assertThat(last.path("url").asString()).isEqualTo("/user/carol/");
        assertThat(last.path("progress").asInt()).isEqualTo(100);

        // A later stream of a running server is one event saying so.
        HubClient.Res again = carol.get("/api/users/carol/server/progress");
        assertThat(again.body()).contains("\"ready\":true");
        // Bob may not follow carol's progress.
        bob.get("/api/users/carol/server/progress").expectStatus(403);

        // max_running is 2: a second server runs, a third is refused with the reason.
        Notebooks.start(t, alice, "alice", "", "{\"environment\":\"minimal\"}");
        HubClient.Res third = bob.api("POST", "/api/users/bob/server", "{\"environment\":\"minimal\"}").expectStatus(429);
        assertThat(error(third)).contains("already runs 2 servers");
        assertThat(third.header("Retry-After")).isPresent();

        carol.api("DELETE", "/api/users/carol/server").expectStatus(204);
        alice.api("DELETE", "/api/users/alice/server").expectStatus(204);
    }

    @Test
    void disablingAUserStopsTheirServers() throws Exception {
        HubClient erin = t.user("erin", "erin-password-12");
        Server s = Notebooks.start(t, erin, "erin", "", "{\"environment\":\"minimal\"}");
        admin.api("PATCH", "/api/users/erin", "{\"disabled\":true}").expectStatus(200);
        Server after = Notebooks.server(t.hub(), "erin", "");
        assertThat(after.state()).isEqualTo(Server.State.STOPPED);
        assertThat(after.stopReason()).contains("account was disabled");
        assertThat(t.hub().podman().client().containers().exists(s.containerId().orElseThrow())).isFalse();
    }
}
