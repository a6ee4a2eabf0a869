package org.labhub.podman;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A typed client for Podman's own (libpod) REST API on a Unix socket: a few dozen lines per endpoint over Jetty's
 * HttpClient instead of a Docker client library (docs/adr/0008). Every call has a deadline; every failure is a
 * {@link PodmanException}. Thread-safe; one per socket.
 */
public final class PodmanClient implements AutoCloseable {
    private final PodmanHttp http;
    private final Containers containers;
    private final Images images;

    /**
     * @param timeout deadline of each ordinary call (waits, stops and loads take their own)
     * @param defaultRuntime OCI runtime for containers whose spec names none; empty for Podman's default
     */
    public PodmanClient(Path socket, Duration timeout, String defaultRuntime) {
        this.http = new PodmanHttp(socket, timeout);
        this.containers = new Containers(http, defaultRuntime);
        this.images = new Images(http);
    }

    public Path socket() {
        return http.socket();
    }

    /** Returns when Podman answers; throws {@link PodmanException.Unavailable} when it does not. */
    public void ping() {
        ping(http.timeout());
    }

    /** A ping with its own, usually shorter, deadline: for health checks and start-up polling. */
    public void ping(Duration deadline) {
        http.send(http.request("GET", "/_ping", deadline), 200);
    }

    public PodmanVersion version() {
        return PodmanVersion.from(http.send(http.request("GET", "/version"), 200).json());
    }

    public Containers containers() {
        return containers;
    }

    public Images images() {
        return images;
    }

    /**
     * Follows Podman's events on a background thread until the returned subscription is closed.
     *
     * @param filters such as {@code Map.of("type", List.of("container"), "label", List.of("labhub.server"))}
     * @param since replay events from this time on as well, to close the gap after a reconnect
     */
    public EventSubscription events(Map<String, List<String>> filters, Optional<Instant> since, Consumer<PodmanEvent> listener) {
        return EventSubscription.open(http, filters, since, listener);
    }

    @Override
    public void close() {
        http.close();
    }
}
