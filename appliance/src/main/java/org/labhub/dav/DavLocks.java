package org.labhub.dav;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.labhub.storage.Location;

/**
 * WebDAV write locks, held in memory (they protect editing sessions, not data; a restart drops them, which
 * clients survive by locking again). Exclusive or shared, depth 0 or infinity, timeouts capped at one hour.
 */
final class DavLocks {
    static final Duration MAX_TIMEOUT = Duration.ofHours(1);

    /** One lock: its token, what it covers, and whose it is. {@code href} is the lock root as the client named it. */
    record Lock(String token, Location root, String href, boolean exclusive, boolean deep, String ownerXml, String principal,
                Duration timeout, Instant expires) {
        boolean covers(Location at) {
            if (!root.owner().equals(at.owner())) {
                return false;
            }
            return root.path().equals(at.path()) || (deep && at.path().startsWith(root.path()));
        }

        boolean inside(Location at) {
            return root.owner().equals(at.owner()) && root.path().startsWith(at.path());
        }
    }

    private final Map<String, Lock> byToken = new ConcurrentHashMap<>();
    private final Clock clock;

    DavLocks(Clock clock) {
        this.clock = clock;
    }

    static Duration timeout(Optional<String> header) {
        Duration d = MAX_TIMEOUT;
        if (header.isPresent()) {
            for (String part : header.get().split(",")) {
                String p = part.trim();
                if (p.regionMatches(true, 0, "Second-", 0, 7)) {
                    try {
                        d = Duration.ofSeconds(Math.max(1, Long.parseLong(p.substring(7))));
                        break;
                    } catch (NumberFormatException e) {
                        // try the next one
                    }
                } else if (p.equalsIgnoreCase("Infinite")) {
                    break;
                }
            }
        }
        return d.compareTo(MAX_TIMEOUT) > 0 ? MAX_TIMEOUT : d;
    }

    private synchronized void purge() {
        Instant now = clock.instant();
        byToken.values().removeIf(l -> l.expires().isBefore(now));
    }

    /** Locks that apply to {@code at}: on it, or on an ancestor with depth infinity. */
    List<Lock> covering(Location at) {
        purge();
        return byToken.values().stream().filter(l -> l.covers(at)).toList();
    }

    /** Locks rooted at {@code at} or below it. */
    List<Lock> inside(Location at) {
        purge();
        return byToken.values().stream().filter(l -> l.inside(at)).toList();
    }

    Optional<Lock> get(String token) {
        purge();
        return Optional.ofNullable(byToken.get(token));
    }

    /** Takes a new lock, or empty if one held by someone else (or not shareable) conflicts. */
    synchronized Optional<Lock> lock(Location root, String href, boolean exclusive, boolean deep, String ownerXml, String principal,
                                     Duration timeout) {
        purge();
        List<Lock> conflicts = new ArrayList<>(covering(root));
        if (deep) {
            conflicts.addAll(inside(root));
        } else {
            conflicts.addAll(byToken.values().stream().filter(l -> l.root().equals(root)).toList());
        }
        for (Lock l : conflicts) {
            if (exclusive || l.exclusive()) {
                return Optional.empty();
            }
        }
        Lock l = new Lock("opaquelocktoken:" + UUID.randomUUID(), root, href, exclusive, deep, ownerXml, principal, timeout,
                clock.instant().plus(timeout));
        byToken.put(l.token(), l);
        return Optional.of(l);
    }

    synchronized Lock refresh(Lock l, Duration timeout) {
        Lock fresh = new Lock(l.token(), l.root(), l.href(), l.exclusive(), l.deep(), l.ownerXml(), l.principal(), timeout,
                clock.instant().plus(timeout));
        byToken.put(l.token(), fresh);
        return fresh;
    }

    boolean unlock(String token) {
        return byToken.remove(token) != null;
    }

    /** Drops the locks on and below {@code at} (after it was deleted or moved away). */
    void dropInside(Location at) {
        Collection<Lock> gone = inside(at);
        gone.forEach(l -> byToken.remove(l.token()));
    }
}
