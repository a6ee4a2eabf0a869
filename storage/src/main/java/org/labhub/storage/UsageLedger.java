package org.labhub.storage;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Per-owner usage, cached: the hub's own writes and deletes adjust it at once, and it is counted again by a
 * walk when older than {@link #MAX_AGE}, because containers write into homes directly.
 */
final class UsageLedger {
    static final Duration MAX_AGE = Duration.ofSeconds(60);

    /** Counts one owner's bytes from disk. */
    interface Counter {
        Counted count(String owner) throws IOException;
    }

    record Counted(long homeBytes, long trashBytes, Instant at) {
        Counted plus(long home, long trash) {
            return new Counted(Math.max(0, homeBytes + home), Math.max(0, trashBytes + trash), at);
        }
    }

    private final ConcurrentMap<String, Counted> byOwner = new ConcurrentHashMap<>();
    private final Counter counter;
    private final Clock clock;

    UsageLedger(Counter counter, Clock clock) {
        this.counter = counter;
        this.clock = clock;
    }

    Counted get(String owner) throws IOException {
        Counted c = byOwner.get(owner);
        if (c == null || c.at().plus(MAX_AGE).isBefore(clock.instant())) {
            c = counter.count(owner);
            byOwner.put(owner, c);
        }
        return c;
    }

    /** Records a change made by the hub (negative for deletions). */
    void add(String owner, long homeDelta, long trashDelta) {
        byOwner.computeIfPresent(owner, (o, c) -> c.plus(homeDelta, trashDelta));
    }
}
