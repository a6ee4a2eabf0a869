package org.labhub.spawner;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/**
 * Talks to a notebook server on its Unix socket, as the hub must: {@code Host: localhost} (the notebook refuses
 * other hosts) and the per-start token. Used to tell when a server is ready and how recently it was used.
 */
public final class NotebookClient implements AutoCloseable {
    private final HttpClient http;

    public NotebookClient() {
        QueuedThreadPool threads = new QueuedThreadPool(16, 1);
        threads.setName("notebook-client");
        threads.setDaemon(true);
        http = new HttpClient();
        http.setExecutor(threads);
        http.setFollowRedirects(false);
        http.setConnectTimeout(2000);
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client for notebooks", e);
        }
    }

    /** What {@code /api/status} says: when the notebook last saw a request or a busy kernel, and how many kernels run. */
    public record Status(Optional<Instant> lastActivity, int kernels, int connections) {}

    /**
     * The notebook's status, or an exception when it does not answer 200 within {@code timeout} (not up yet,
     * gone, or the token is wrong).
     */
    public Status status(Path socket, String baseUrl, String token, Duration timeout) throws IOException {
        ContentResponse r;
        try {
            r = http.newRequest("http://localhost" + baseUrl + "api/status")
                    .transport(new Transport.TCPUnix(socket))
                    .headers(h -> h.put(HttpHeader.AUTHORIZATION, "token " + token))
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .send();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("the notebook does not answer on " + socket + ": " + cause.getMessage(), cause);
        }
        if (r.getStatus() != 200) {
            throw new IOException("the notebook answered " + r.getStatus() + " on " + socket);
        }
        JsonNode j = Json.MAPPER.readTree(r.getContentAsString());
        return new Status(instant(j.path("last_activity").asString("")), j.path("kernels").asInt(0), j.path("connections").asInt(0));
    }

    private static Optional<Instant> instant(String text) {
        try {
            // The notebook writes "2026-11-21T10:00:00.123456+00:00" (Python's isoformat) or with a Z.
            return text.isEmpty() ? Optional.empty() : Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** The client itself, for the proxy to share its connection pools. */
    public HttpClient http() {
        return http;
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
