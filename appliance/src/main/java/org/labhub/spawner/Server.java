package org.labhub.spawner;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One of a user's notebook servers as the catalog records it; the default server's name is empty.
 *
 * @param stopReason why it stopped, in words for its user; empty while it runs or after a stop they asked for
 */
public record Server(long id, long userId, String user, String name, String environment, String profile, State state,
                     Optional<String> containerId, Optional<String> startNonce, Optional<Instant> requestedAt,
                     Optional<Instant> readyAt, Optional<Instant> stoppedAt, Optional<Instant> lastActivity,
                     String stopReason, OptionalInt exitCode, Optional<Instant> lastOomAt, Optional<String> lastOomTask) {

    public enum State {
        STARTING, RUNNING, STOPPING, STOPPED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether a container exists (or is being made) for a server in this state. */
        public boolean active() {
            return this != STOPPED;
        }
    }

    public ServerKey key() {
        return new ServerKey(user, name);
    }

    public boolean isDefault() {
        return name.isEmpty();
    }
}
