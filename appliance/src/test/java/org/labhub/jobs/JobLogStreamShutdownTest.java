package org.labhub.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.labhub.runs.TestNotebooks;
import org.labhub.spawner.Notebooks;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;
import org.labhub.web.Json;

/**
 * A browser watching a running job's live log must not hold up stopping the hub: the stream gets a last event and
 * ends, before the server's graceful stop (which waits for open requests) begins. Real hub, real Podman.
 */
class JobLogStreamShutdownTest {
    @Test
    void aHubWithALiveLogStreamOnARunningJobStopsWithinThreeSecondsAndTheStreamEndsCleanly() throws Exception {
        TestHub t = TestHub.start(Map.of("runs.max_concurrent", "1", "http.shutdown_grace", "20s"));
        boolean closed = false;
        try {
            Notebooks.requireOnlyMinimal(t);
            HubClient alice = t.user("alice", "alice-password-1");
            String token = alice.api("POST", "/api/users/alice/tokens", "{\"scopes\":[\"read\",\"servers\"]}").expectStatus(201).json("token");
            TestNotebooks.write(t.dataRoot().resolve("homes/alice/sleeper.ipynb"),
                    TestNotebooks.notebook(false, "import time\nprint('sleeping', flush=True)\ntime.sleep(300)"));
            long id = Json.MAPPER.readTree(alice.api("POST", "/api/jobs", "{\"notebook\":\"sleeper.ipynb\",\"environment\":\"minimal\"}")
                    .expectStatus(201).body()).path("id").asLong();
            Notebooks.await("the job running and printing", Duration.ofSeconds(120),
                    () -> alice.api("GET", "/api/jobs/" + id + "/log").body().contains("sleeping"));

            // The stream, read line by line as a browser's EventSource would.
            List<String> lines = new CopyOnWriteArrayList<>();
            HttpRequest request = HttpRequest.newBuilder(URI.create(t.baseUrl() + "/api/jobs/" + id + "/log"))
                    .header("Accept", "text/event-stream").header("Authorization", "token " + token).GET().build();
            CompletableFuture<HttpResponse<Void>> stream = HttpClient.newHttpClient()
                    .sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(new LineCollector(lines)));
            Notebooks.await("the log replayed on the stream", Duration.ofSeconds(30), () -> lines.contains("data: {\"line\":\"sleeping\"}"));
            assertThat(Json.MAPPER.readTree(alice.api("GET", "/api/jobs/" + id).body()).path("state").asString()).isEqualTo("running");

            long start = System.nanoTime();
            closed = true;
            t.hub().close();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            System.out.println("hub close with a live job log stream open: " + millis + " ms");
            assertThat(millis).as("Hub.close with a live log stream open (the keep-alive is 15 s, the grace 20 s)").isLessThan(3000);

            HttpResponse<Void> done = stream.get(5, TimeUnit.SECONDS); // completes normally: the response ended, not broken
            assertThat(done.statusCode()).isEqualTo(200);
            assertThat(lines).as("the last event says why the stream ends").anyMatch(l -> l.startsWith("data: {")
                    && l.contains("\"stopping\":true") && l.contains("the hub is stopping"));
            assertThat(lines.stream().filter(l -> l.startsWith("data: ")).reduce((a, b) -> b).orElse("")).contains("\"stopping\":true");
        } finally {
            if (!closed) {
                t.hub().close();
            }
            TestHub.removeContainers(t.dataRoot());
        }
    }

    /** Collects the stream's lines as they arrive. */
    private record LineCollector(List<String> lines) implements java.util.concurrent.Flow.Subscriber<String> {
        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            lines.add(line);
        }

        @Override
        public void onError(Throwable e) {
            lines.add("error: " + e);
        }

        @Override
        public void onComplete() {
            lines.add("complete");
        }
    }
}
