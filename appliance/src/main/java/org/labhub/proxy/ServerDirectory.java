package org.labhub.proxy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.labhub.spawner.Server;
import org.labhub.spawner.ServerKey;
import org.labhub.spawner.ServerStore;

/**
 * Which server a {@code /user/<name>/…} path is for, answered from memory: the catalog is asked again only when a
 * server has changed state since (the store's generation moved) or the answer is a few seconds old (a user deleted
 * and made again under the same name). Every proxied request asks, so this keeps the catalog off the hot path.
 */
final class ServerDirectory {
    private static final Duration MAX_AGE = Duration.ofSeconds(5);
    private static final int MAX_ENTRIES = 10_000;

    private final ServerStore store;
    private final Clock clock;
    private final Map<String, Entry> byUser = new ConcurrentHashMap<>();

    ServerDirectory(ServerStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    private record Entry(long generation, Instant readAt, List<Server> servers) {}

    /** What a path under a user's prefix names: the server, and whether it exists in the catalog. */
    record Resolved(ServerKey key, Optional<Server> server) {}

    /**
     * The server {@code /user/<user>/<segment>/…} is for: the named server {@code segment} if the user has one, else
     * the default server (whose own paths start with {@code tree}, {@code api}, …, never with a server's name).
     */
    Resolved resolve(String user, String segment) {
        List<Server> servers = serversOf(user);
        if (!segment.isEmpty()) {
            for (Server s : servers) {
                if (s.name().equals(segment)) {
                    return new Resolved(s.key(), Optional.of(s));
                }
            }
        }
        ServerKey key = ServerKey.defaultOf(user);
        return new Resolved(key, servers.stream().filter(Server::isDefault).findFirst());
    }

    private List<Server> serversOf(String user) {
        long generation = store.generation();
        Instant now = clock.instant();
        Entry e = byUser.get(user);
        if (e != null && e.generation == generation && now.isBefore(e.readAt.plus(MAX_AGE))) {
            return e.servers;
        }
        List<Server> fresh = store.ofUser(user);
        if (byUser.size() >= MAX_ENTRIES) {
            byUser.clear();
        }
        byUser.put(user, new Entry(generation, now, fresh));
        return fresh;
    }
}
