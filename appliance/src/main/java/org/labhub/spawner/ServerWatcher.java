package org.labhub.spawner;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.labhub.podman.EventSubscription;
import org.labhub.podman.OomWatcher;
import org.labhub.podman.PodmanEvent;
import org.labhub.podman.PodmanException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Podman's events for this hub's containers, and the kernel's OOM kills, and tells the spawner: a server
 * that dies or is removed from outside is recorded as stopped within moments. Reconnects when Podman restarts,
 * replaying the events it missed.
 */
final class ServerWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerWatcher.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final Spawner spawner;
    private final Map<String, List<String>> filters;
    private final Thread follower;
    private volatile boolean closed;
    private volatile EventSubscription subscription;
    private volatile Instant lastEvent;
    private OomWatcher oom;

    ServerWatcher(Spawner spawner, String hubId) {
        this.spawner = spawner;
        this.filters = Map.of("type", List.of("container"), "event", List.of("died", "remove"),
                "label", List.of(NotebookContainers.LABEL_HUB + "=" + hubId));
        this.follower = new Thread(this::follow, "server-watcher");
        this.follower.setDaemon(true);
    }

    /** Subscribes before returning, so that nothing that happens after this call is missed. */
    void start() {
        try {
            oom = OomWatcher.start(k -> spawner.outOfMemory(k.containerId(), k.task(), k.seenAt()));
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read the kernel log ({}); out-of-memory kills will show as 'killed (signal 9)'", e.getMessage());
        }
        lastEvent = Instant.now();
        subscribe(Optional.empty());
        follower.start();
    }

    private boolean subscribe(Optional<Instant> since) {
        try {
            subscription = spawner.podman().events(filters, since, this::onEvent);
            return true;
        } catch (PodmanException e) {
            log.warn("cannot follow Podman's events: {}", e.getMessage());
            subscription = null;
            return false;
        }
    }

    private void follow() {
        Duration backoff = Duration.ofMillis(500);
        while (!closed) {
            EventSubscription s = subscription;
            if (s != null) {
                s.ended().exceptionally(t -> null).join();
                if (closed) {
                    return;
                }
                log.info("Podman's event stream ended; following it again");
            }
            Spawner.sleep(backoff.toMillis());
            // Replay from a little before the last event seen: the handlers ignore what they already know.
            if (subscribe(Optional.of(lastEvent.minusSeconds(2)))) {
                backoff = Duration.ofMillis(500);
            } else {
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void onEvent(PodmanEvent e) {
        lastEvent = e.time().isAfter(lastEvent) ? e.time() : lastEvent;
        String serverId = e.attributes().getOrDefault(NotebookContainers.LABEL_SERVER_ID, "");
        try {
            if (e.action().equals("died")) {
                spawner.containerDied(e.id(), serverId, e.exitCode());
            } else if (e.action().equals("remove")) {
                spawner.containerRemoved(e.id(), serverId);
            }
        } catch (RuntimeException ex) {
            log.error("handling Podman event {} of {} failed", e.action(), e.id(), ex);
        }
    }

    @Override
    public void close() {
        closed = true;
        EventSubscription s = subscription;
        if (s != null) {
            s.close();
        }
        follower.interrupt();
        if (oom != null) {
            oom.close();
        }
    }
}
