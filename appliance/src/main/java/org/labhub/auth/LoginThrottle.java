package org.labhub.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.labhub.config.LabhubConfig;

/**
 * Slows down and then stops password guessing, per account name and per client address.
 * Failures within the window are counted; past the free ones each failed answer is delayed (doubling),
 * and past the lockout further attempts get 429 without a password check. Account names are counted
 * whether or not the account exists, so the answers never reveal which names are real.
 */
public final class LoginThrottle {
    private static final Duration MAX_DELAY = Duration.ofSeconds(8);
    private static final int MAX_TRACKED = 100_000;

    private final LabhubConfig.Throttle limits;
    private final Clock clock;
    private final Map<String, Deque<Instant>> accounts = new ConcurrentHashMap<>();
    private final Map<String, Deque<Instant>> addresses = new ConcurrentHashMap<>();

    public LoginThrottle(LabhubConfig.Throttle limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** How long the caller must wait before trying again, or zero when an attempt may proceed. */
    public Duration refusal(String account, String address) {
        Instant now = clock.instant();
        Duration wait = Duration.ZERO;
        Deque<Instant> a = accounts.get(key(account));
        if (a != null && count(a, now) >= limits.accountLockout()) {
            wait = untilOldestExpires(a, now);
        }
        Deque<Instant> b = addresses.get(address);
        if (b != null && count(b, now) >= limits.addressLockout()) {
            Duration w = untilOldestExpires(b, now);
            wait = w.compareTo(wait) > 0 ? w : wait;
        }
        return wait;
    }

    /** Records a failed attempt and returns how long to hold back its answer. */
    public Duration failed(String account, String address) {
        Instant now = clock.instant();
        if (accounts.size() + addresses.size() > MAX_TRACKED) {
            evictStale(now);
        }
        int n = record(accounts, key(account), now);
        record(addresses, address, now);
        int beyondFree = n - limits.freeFailures();
        if (beyondFree <= 0) {
            return Duration.ZERO;
        }
        Duration delay = limits.baseDelay().multipliedBy(1L << Math.min(beyondFree - 1, 20));
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }

    /** A correct password clears the account's failures (not the address's: one good account must not launder guesses). */
    public void succeeded(String account) {
        accounts.remove(key(account));
    }

    private int record(Map<String, Deque<Instant>> map, String key, Instant now) {
        Deque<Instant> q = map.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (q) {
            prune(q, now);
            q.addLast(now);
            while (q.size() > 10_000) {
                q.removeFirst();
            }
            return q.size();
        }
    }

    private int count(Deque<Instant> q, Instant now) {
        synchronized (q) {
            prune(q, now);
            return q.size();
        }
    }

    private Duration untilOldestExpires(Deque<Instant> q, Instant now) {
        synchronized (q) {
            Instant oldest = q.peekFirst();
            Duration d = oldest == null ? Duration.ZERO : Duration.between(now, oldest.plus(limits.window()));
            return d.isNegative() ? Duration.ofSeconds(1) : d.plusSeconds(1).withNanos(0);
        }
    }

    private void prune(Deque<Instant> q, Instant now) {
        Instant horizon = now.minus(limits.window());
        while (!q.isEmpty() && !q.peekFirst().isAfter(horizon)) {
            q.removeFirst();
        }
    }

    private void evictStale(Instant now) {
        accounts.values().removeIf(q -> count(q, now) == 0);
        addresses.values().removeIf(q -> count(q, now) == 0);
    }

    private static String key(String account) {
        String k = account == null ? "" : account.trim().toLowerCase(Locale.ROOT);
        return k.length() > 64 ? k.substring(0, 64) : k;
    }
}
