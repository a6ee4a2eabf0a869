package org.labhub.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.labhub.audit.AuditLog;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/** Stopping the hub lets requests already being answered finish, then takes no more connections. */
class GracefulShutdownTest {
    private static final long ANSWER_DELAY_MS = 1500;

    @Test
    void aRequestInFlightIsAnsweredAndNewConnectionsAreRefusedAfterClose() throws Exception {
        // Every failed login is held back 1.5 s by the scheduler: a request that is in flight for a known while.
        TestHub hub = TestHub.start(Map.of(
                "auth.throttle.free_failures", "0",
                "auth.throttle.base_delay", ANSWER_DELAY_MS + "ms",
                "http.shutdown_grace", "10s"));
        boolean closed = false;
        try {
            int port = hub.hub().port();
            AuditLog audit = new AuditLog(hub.hub().catalog().jdbi(), Clock.systemUTC());
            HubClient c = hub.client();
            c.get("/login").expectStatus(200);

            long sentAt = System.nanoTime();
            CompletableFuture<HubClient.Res> answer = CompletableFuture.supplyAsync(() ->
                    c.form("/login", Map.of("username", "latecomer", "password", "not-the-password", "next", "/")));
            // The failure is audited inside the handler, just before its answer is deferred: then it is in flight.
            awaitTrue(Duration.ofSeconds(10), () -> audit.recent(20, 0, Optional.of("login")).stream()
                    .anyMatch(e -> e.target().equals("latecomer") && e.outcome().equals("failed")), "the login to be in flight");
            assertThat(answer).as("answered before the hold-back ended").isNotDone();

            CompletableFuture<Long> closing = CompletableFuture.supplyAsync(() -> {
                try {
                    hub.close();
                    return System.nanoTime();
                } catch (Exception e) {
                    throw new CompletionException(e);
                }
            });
            closed = true;

            HubClient.Res r = answer.get(15, TimeUnit.SECONDS); // a reset connection would fail here
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.body()).contains("Wrong user name or password");

            long closedAt = closing.get(15, TimeUnit.SECONDS);
            assertThat(TimeUnit.NANOSECONDS.toMillis(closedAt - sentAt))
                    .as("close waited for the answer, which could not be due before the hold-back after sending")
                    .isGreaterThanOrEqualTo(ANSWER_DELAY_MS);

            assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
            assertThatThrownBy(() -> new HubClient("http://127.0.0.1:" + port).get("/api/health"))
                    .hasCauseInstanceOf(ConnectException.class);
        } finally {
            if (!closed) {
                hub.close();
            }
        }
    }

    private static void awaitTrue(Duration timeout, BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
