package org.labhub.podman;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * Podman's event stream, read line by line (NDJSON) on its own thread and handed to a listener, so that
 * labhub learns within moments that a server died. Close it to stop; when Podman ends the stream,
 * {@link #ended()} completes and reconnecting is the caller's business.
 */
public final class EventSubscription implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventSubscription.class);

    private final Request request;
    private final InputStream body;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile boolean closed;

    private EventSubscription(Request request, InputStream body) {
        this.request = request;
        this.body = body;
    }

    /**
     * Returns once Podman has answered with the stream's headers, so events after this call are seen.
     *
     * @param filters Podman's event filters, such as {@code type=[container]}, {@code label=[labhub.server]}
     * @param since also replay earlier events from this time on (closes the gap of a reconnect)
     */
    static EventSubscription open(PodmanHttp http, Map<String, List<String>> filters, Optional<Instant> since,
                                  Consumer<PodmanEvent> listener) {
        // No deadline and no idle timeout: a quiet stream is a healthy one.
        Request r = http.request("GET", "/events", Duration.ZERO).idleTimeout(0, TimeUnit.MILLISECONDS)
                .param("stream", "true");
        if (!filters.isEmpty()) {
            r.param("filters", PodmanJson.MAPPER.writeValueAsString(filters));
        }
        since.ifPresent(t -> r.param("since", Long.toString(t.getEpochSecond())));
        InputStreamResponseListener stream = new InputStreamResponseListener();
        r.send(stream);
        Response response;
        try {
            response = stream.get(http.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r.abort(e);
            throw http.unavailable(r, e);
        } catch (TimeoutException e) {
            r.abort(e);
            throw http.unavailable(r, e);
        } catch (ExecutionException e) {
            throw http.unavailable(r, e.getCause());
        }
        if (response.getStatus() != 200) {
            byte[] error;
            try (InputStream in = stream.getInputStream()) {
                error = in.readNBytes(64 * 1024);
            } catch (IOException e) {
                error = new byte[0];
            }
            throw PodmanHttp.error(PodmanHttp.describe(r), new PodmanHttp.Answer(response.getStatus(), error));
        }
        EventSubscription subscription = new EventSubscription(r, stream.getInputStream());
        Thread reader = new Thread(() -> subscription.read(listener), "podman-events");
        reader.setDaemon(true);
        reader.start();
        return subscription;
    }

    private void read(Consumer<PodmanEvent> listener) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                PodmanEvent event;
                try {
                    event = PodmanEvent.from(PodmanJson.MAPPER.readTree(line));
                } catch (JacksonException e) {
                    log.warn("skipping an event line that is not JSON: {}", e.getOriginalMessage());
                    continue;
                }
                try {
                    listener.accept(event);
                } catch (RuntimeException e) {
                    log.error("event listener failed on {} {} {}", event.type(), event.action(), event.id(), e);
                }
            }
            ended.complete(null);
        } catch (IOException | RuntimeException e) {
            // Jetty rethrows the abort of close() as it was given (a CancellationException), other breaks as IOException
            if (closed) {
                ended.complete(null);
            } else {
                ended.completeExceptionally(new PodmanException.Unavailable("the Podman event stream broke: " + e.getMessage(), e));
            }
        }
    }

    /** Completes when the stream ends: normally after {@link #close()} or when Podman closed it, exceptionally when it broke. */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    @Override
    public void close() {
        closed = true;
        request.abort(new CancellationException("event subscription closed"));
        try {
            body.close();
        } catch (IOException e) {
            // the stream is being abandoned anyway
        }
    }
}
