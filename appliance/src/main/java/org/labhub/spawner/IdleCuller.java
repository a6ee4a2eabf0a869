package org.labhub.spawner;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops servers nobody has used for the idle timeout. Activity is the latest of: a request through the hub's proxy,
 * and what the notebook's own {@code /api/status} reports (its API requests and busy kernels, so a long computation
 * is not culled). Each pass also records the activity it learned in the catalog.
 */
final class IdleCuller implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(IdleCuller.class);

    private final Spawner spawner;
    private final Duration idleTimeout;

    IdleCuller(Spawner spawner, Duration idleTimeout) {
        this.spawner = spawner;
        this.idleTimeout = idleTimeout;
    }

    /** How often to look: a tenth of the timeout, between 1 s and a minute. */
    static Duration interval(Duration idleTimeout) {
        long ms = Math.max(1000, Math.min(60_000, idleTimeout.toMillis() / 10));
        return Duration.ofMillis(ms);
    }

    @Override
    public void run() {
        try {
            pass();
        } catch (RuntimeException e) {
            log.warn("the idle culler's pass failed: {}", e.getMessage());
        }
    }

    private void pass() {
        ServerStore store = spawner.store();
        Map<ServerKey, Instant> proxied = spawner.drainProxyActivity();
        Instant now = spawner.clock().instant();
        for (Server s : store.active()) {
            if (s.state() != Server.State.RUNNING || spawner.busy(s.key())) {
                continue;
            }
            Instant last = s.lastActivity().or(s::readyAt).orElse(now);
            Instant viaProxy = proxied.get(s.key());
            if (viaProxy != null && viaProxy.isAfter(last)) {
                last = viaProxy;
            }
            Optional<Instant> reported = notebookActivity(s);
            if (reported.isPresent() && reported.get().isAfter(last)) {
                last = reported.get().isAfter(now) ? now : reported.get();
            }
            if (s.lastActivity().map(last::isAfter).orElse(true)) {
                store.recordActivity(s.id(), last);
            }
            if (!idleTimeout.isZero() && Duration.between(last, now).compareTo(idleTimeout) > 0) {
                String reason = "stopped after " + describe(idleTimeout) + " without activity";
                log.atInfo().addKeyValue("server", s.key()).addKeyValue("last_activity", last).log("culling an idle server");
                spawner.stop(Spawner.Actor.HUB, s.key(), reason);
            }
        }
    }

    private Optional<Instant> notebookActivity(Server s) {
        try {
            return spawner.notebookStatus(s, Duration.ofSeconds(2)).lastActivity();
        } catch (IOException e) {
            return Optional.empty(); // not answering: the watcher reports it if the container died
        }
    }

    static String describe(Duration d) {
        if (d.toSeconds() < 120) {
            return d.toSeconds() + " seconds";
        }
        return d.toMinutes() < 120 ? d.toMinutes() + " minutes" : d.toHours() + " hours";
    }
}
