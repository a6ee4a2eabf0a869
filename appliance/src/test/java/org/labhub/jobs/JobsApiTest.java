package org.labhub.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.runs.PodmanNotebookRuns;
import org.labhub.runs.TestNotebooks;
import org.labhub.spawner.Notebooks;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/** Batch jobs through the API on a real hub and real Podman, one run at a time (runs.max_concurrent=1). */
class JobsApiTest {
    private static TestHub t;
    private static HubClient alice;
    private static HubClient bob;
    private static HubClient admin;

    @BeforeAll
    static void start() throws Exception {
        t = TestHub.start(Map.of("runs.max_concurrent", "1"));
        Notebooks.requireOnlyMinimal(t);
        alice = t.user("alice", "alice-password-1");
        bob = t.user("bob", "bob-password-12");
        admin = t.admin();
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    private static void notebook(String path, boolean tagged, String... cells) throws Exception {
        TestNotebooks.write(t.dataRoot().resolve("homes/alice").resolve(path), TestNotebooks.notebook(tagged, cells));
    }

    private static JsonNode submit(String body) {
        return Json.MAPPER.readTree(alice.api("POST", "/api/jobs", body).expectStatus(201).body());
    }

    private static JsonNode job(HubClient c, long id) {
        return Json.MAPPER.readTree(c.api("GET", "/api/jobs/" + id).expectStatus(200).body());
    }

    private static JsonNode awaitState(long id, String... states) throws InterruptedException {
        Notebooks.await("job " + id + " in " + String.join("/", states), Duration.ofSeconds(120),
                () -> java.util.List.of(states).contains(job(alice, id).path("state").asString()));
        return job(alice, id);
    }

    private static long runContainers() {
        String hub = t.hub().spawner().containers().hubId();
        return t.hub().podman().client().containers().listByLabel(PodmanNotebookRuns.LABEL_RUN).stream()
                .filter(c -> hub.equals(c.labels().get("org.labhub.hub"))).count();
    }

    @Test
    void aJobRunsWithItsParametersAndSavesTheExecutedNotebookInTheChosenFolder() throws Exception {
        notebook("work/params.ipynb", true, "label = 'default'\nn = 1", "print('label:', label)\nprint('twice:', n * 2)");
        Files.createDirectories(t.dataRoot().resolve("homes/alice/results"));
        String tricky = "it's \\\"quoted\\\"\\nsecond line'); import os; os._exit(3) #";
        JsonNode submitted = submit("{\"notebook\":\"work/params.ipynb\",\"environment\":\"minimal\",\"profile\":\"small\","
                + "\"parameters\":{\"label\":\"" + tricky + "\",\"n\":21},\"output_folder\":\"results\",\"timeout_seconds\":300}");
        long id = submitted.path("id").asLong();
        assertThat(submitted.path("state").asString()).isIn("queued", "running");
        JsonNode done = awaitState(id, "succeeded", "failed", "timed_out", "cancelled");
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.path("duration_seconds").asDouble()).isPositive();
        assertThat(done.path("image_digest").asString()).startsWith("sha256:");
        String output = done.path("output").asString();
        assertThat(output).matches("results/params-\\d{8}-\\d{6}\\.ipynb");
        String printed = TestNotebooks.printed(t.dataRoot().resolve("homes/alice").resolve(output));
        assertThat(printed).contains("label: it's \"quoted\"\nsecond line'); import os; os._exit(3) #").contains("twice: 42");
        assertThat(alice.api("GET", "/api/jobs/" + id + "/log").expectStatus(200).body()).contains("twice: 42");
        assertThat(Json.MAPPER.readTree(alice.api("GET", "/api/jobs").body()).path("jobs").findValuesAsString("state")).contains("succeeded");

        // only the owner sees it; an admin may look; bob hears 404 for everything
        assertThat(bob.api("GET", "/api/jobs/" + id).status()).isEqualTo(404);
        assertThat(bob.api("GET", "/api/jobs/" + id + "/log").status()).isEqualTo(404);
        assertThat(bob.api("POST", "/api/jobs/" + id + "/rerun", "{}").status()).isEqualTo(404);
        assertThat(bob.api("DELETE", "/api/jobs/" + id).status()).isEqualTo(404);
        assertThat(Json.MAPPER.readTree(bob.api("GET", "/api/jobs").body()).path("jobs")).isEmpty();
        assertThat(job(admin, id).path("owner").asString()).isEqualTo("alice");

        // the live log of a finished job: its lines, then the final state
        HubClient.Res sse = alice.send(HttpRequest.newBuilder(URI.create(t.baseUrl() + "/api/jobs/" + id + "/log")).GET(),
                Map.of("Accept", "text/event-stream"));
        assertThat(sse.status()).isEqualTo(200);
        assertThat(sse.body()).contains("data: {\"line\":\"twice: 42\"}").contains("\"state\":\"succeeded\"");

        alice.api("DELETE", "/api/jobs/" + id).expectStatus(204);
        assertThat(alice.api("GET", "/api/jobs/" + id).status()).isEqualTo(404);
        assertThat(t.dataRoot().resolve("runs/" + id)).doesNotExist();
        assertThat(t.dataRoot().resolve("homes/alice").resolve(output)).exists();
    }

    @Test
    void aJobSeesTheOwnersFilesAsTheirServerDoesAndStartsInTheNotebooksFolder() throws Exception {
        Path home = t.dataRoot().resolve("homes/alice");
        // the folder is made through the hub, as a user makes one (so it is hers); the test writes the files into it
        alice.api("POST", "/api/files/alice/project", "{\"action\":\"mkdir\"}").expectStatus(201);
        notebook("project/read.ipynb", false,
                "print('rows', len(open('values.csv').read().split()))",
                "import os\nprint('home', open(os.path.expanduser('~/top.txt')).read())",
                "open('result.txt', 'w').write('written by the job')\nprint('cwd', os.getcwd())");
        Files.writeString(home.resolve("project/values.csv"), "value\n1\n2\n39\n");
        Files.writeString(home.resolve("top.txt"), "at the top of the home");
        long id = submit("{\"notebook\":\"project/read.ipynb\",\"environment\":\"minimal\"}").path("id").asLong();
        JsonNode done = awaitState(id, "succeeded", "failed", "timed_out", "cancelled");
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("succeeded");
        String printed = TestNotebooks.printed(home.resolve(done.path("output").asString()));
        assertThat(printed).contains("rows 4").contains("home at the top of the home").contains("cwd /home/jovyan/project");
        // what the job wrote is the owner's, in their home, and theirs to read back through the hub
        assertThat(Files.readString(home.resolve("project/result.txt"))).isEqualTo("written by the job");
        assertThat(alice.api("GET", "/api/files/alice/project/result.txt").expectStatus(200).body()).isEqualTo("written by the job");
        // another user's job does not see alice's home (carol: bob's job list must stay empty for the test above)
        HubClient carol = t.user("carol", "carol-password-1");
        TestNotebooks.write(t.dataRoot().resolve("homes/carol/peek.ipynb"), TestNotebooks.notebook(false,
                "import os\nprint('sees', sorted(os.listdir(os.path.expanduser('~'))))"));
        long carols = Json.MAPPER.readTree(carol.api("POST", "/api/jobs", "{\"notebook\":\"peek.ipynb\",\"environment\":\"minimal\"}")
                .expectStatus(201).body()).path("id").asLong();
        Notebooks.await("carol's job", Duration.ofSeconds(120), () -> job(carol, carols).path("final").asBoolean());
        JsonNode carolDone = job(carol, carols);
        assertThat(carolDone.path("state").asString()).as(carolDone.toString()).isEqualTo("succeeded");
        assertThat(TestNotebooks.printed(t.dataRoot().resolve("homes/carol").resolve(carolDone.path("output").asString())))
                .contains("peek.ipynb").doesNotContain("top.txt").doesNotContain("project");
    }

    @Test
    void aFailingCellFailsTheJobAndNamesTheCell() throws Exception {
        notebook("fails.ipynb", false, "x = {}", "x['missing']", "print('not reached')");
        long id = submit("{\"notebook\":\"fails.ipynb\",\"environment\":\"minimal\"}").path("id").asLong();
        JsonNode done = awaitState(id, "succeeded", "failed", "timed_out", "cancelled");
        assertThat(done.path("state").asString()).isEqualTo("failed");
        assertThat(done.path("failing_cell").path("index").asInt()).isEqualTo(1);
        assertThat(done.path("failing_cell").path("error").asString()).isEqualTo("KeyError: 'missing'");
        assertThat(done.path("message").asString()).contains("cell 2 raised KeyError");
        assertThat(done.path("output").asString()).startsWith("fails-"); // the executed notebook, error and all, is kept
    }

    @Test
    void aJobPastItsTimeLimitEndsTimedOutWithItsContainerGone() throws Exception {
        notebook("slow.ipynb", false, "import time\ntime.sleep(300)");
        long id = submit("{\"notebook\":\"slow.ipynb\",\"environment\":\"minimal\",\"timeout_seconds\":3}").path("id").asLong();
        JsonNode done = awaitState(id, "succeeded", "failed", "timed_out", "cancelled");
        assertThat(done.path("state").asString()).isEqualTo("timed_out");
        assertThat(done.path("message").asString()).contains("time limit");
        assertThat(runContainers()).isZero();
    }

    @Test
    void withOneRunAtATimeTheSecondJobWaitsUntilTheFirstIsCancelled() throws Exception {
        notebook("sleeper.ipynb", false, "import time\nprint('sleeping', flush=True)\ntime.sleep(300)");
        notebook("quick.ipynb", false, "print('quick')");
        long first = submit("{\"notebook\":\"sleeper.ipynb\",\"environment\":\"minimal\"}").path("id").asLong();
        long second = submit("{\"notebook\":\"quick.ipynb\",\"environment\":\"minimal\"}").path("id").asLong();
        awaitState(first, "running");
        Notebooks.await("the sleeper printing", Duration.ofSeconds(60),
                () -> alice.api("GET", "/api/jobs/" + first + "/log").body().contains("sleeping"));
        assertThat(job(alice, second).path("state").asString()).isEqualTo("queued");
        assertThat(job(alice, first).path("state").asString()).isEqualTo("running");
        assertThat(bob.api("POST", "/api/jobs/" + first + "/cancel", "{}").status()).isEqualTo(404);

        JsonNode cancelled = Json.MAPPER.readTree(alice.api("POST", "/api/jobs/" + first + "/cancel", "{}").expectStatus(200).body());
        assertThat(cancelled.path("state").asString()).isEqualTo("cancelled");
        assertThat(alice.api("POST", "/api/jobs/" + first + "/cancel", "{}").status()).isEqualTo(409);
        assertThat(awaitState(second, "succeeded", "failed").path("state").asString()).isEqualTo("succeeded");
        assertThat(runContainers()).isZero();

        long again = Json.MAPPER.readTree(alice.api("POST", "/api/jobs/" + second + "/rerun", "{}").expectStatus(201).body())
                .path("id").asLong();
        assertThat(again).isNotEqualTo(second);
        assertThat(awaitState(again, "succeeded", "failed").path("notebook").asString()).isEqualTo("quick.ipynb");
    }

    @Test
    void submissionsAreCheckedWithMessagesThatSayWhatToFix() throws Exception {
        notebook("ok.ipynb", false, "1");
        assertThat(alice.api("POST", "/api/jobs", "{}").expectStatus(400).body()).contains("name the notebook");
        assertThat(alice.api("POST", "/api/jobs", "{\"notebook\":\"nope.ipynb\"}").expectStatus(400).body()).contains("not a file");
        assertThat(alice.api("POST", "/api/jobs", "{\"notebook\":\"ok.ipynb\",\"parameters\":[1]}").expectStatus(400).body())
                .contains("JSON object");
        assertThat(alice.api("POST", "/api/jobs", "{\"notebook\":\"ok.ipynb\",\"parameters\":{\"a-b\":1}}").expectStatus(400).body())
                .contains("not a Python variable name");
        assertThat(alice.api("POST", "/api/jobs", "{\"notebook\":\"ok.ipynb\",\"environment\":\"nosuch\"}").expectStatus(400).body())
                .contains("minimal");
        assertThat(alice.api("POST", "/api/jobs", "{\"notebook\":\"ok.ipynb\",\"environment\":\"minimal\",\"timeout_seconds\":0}")
                .expectStatus(400).body()).contains("time limit");
        assertThat(alice.api("POST", "/api/jobs", "{\"notebook\":\"ok.ipynb\",\"environment\":\"minimal\",\"output_folder\":\"nofolder\"}")
                .expectStatus(400).body()).contains("no folder");
        // bob cannot run alice's notebook: it is not in his files
        assertThat(bob.api("POST", "/api/jobs", "{\"notebook\":\"ok.ipynb\",\"environment\":\"minimal\"}").expectStatus(400).body())
                .contains("not a file");
        assertThat(Json.MAPPER.readTree(alice.api("GET", "/api/jobs").body()).path("jobs").findValuesAsString("notebook"))
                .doesNotContain("nope.ipynb");
    }

    @Test
    void aHubRestartLeavesNoRunContainerAndNoJobClaimingToRun() throws Exception {
        notebook("long.ipynb", false, "import time\ntime.sleep(300)");
        long id = submit("{\"notebook\":\"long.ipynb\",\"environment\":\"minimal\"}").path("id").asLong();
        awaitState(id, "running");
        Notebooks.await("a run container", Duration.ofSeconds(60), () -> runContainers() == 1);
        t.restart();
        // the restarted hub listens on another port: every client starts again
        alice = t.client();
        alice.login("alice", "alice-password-1").expectStatus(303);
        bob = t.client();
        bob.login("bob", "bob-password-12").expectStatus(303);
        admin = t.admin();
        assertThat(runContainers()).isZero();
        JsonNode after = job(alice, id);
        assertThat(after.path("state").asString()).isEqualTo("failed");
        assertThat(after.path("message").asString()).containsAnyOf("hub stopped", "hub restarted");
    }
}
