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
 * Attempts within the window are counted from the moment they start (successful ones are taken back); past the free ones each failed answer is delayed (doubling),
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

    /**
     * An attempt under way. It counts against its account and address from the moment it starts, so
     * concurrent guesses cannot all slip past the limits before the first one fails.
     */
    public record Attempt(String account, String address, Instant at, int accountCount, Duration refusal) {
        public boolean refused() {
            return !refusal.isZero();
        }
    }

    /** Starts an attempt: refused (with how long to wait) past a lockout, else counted at once. */
    public Attempt begin(String account, String address) {
        Instant now = clock.instant();
        if (accounts.size() + addresses.size() > MAX_TRACKED) {
            evictStale(now);
        }
        String key = key(account);
        Deque<Instant> byAddress = addresses.computeIfAbsent(address, k -> new ArrayDeque<>());
        Duration wait = tryRecord(byAddress, now, limits.addressLockout());
        if (!wait.isZero()) {
            return new Attempt(key, address, now, 0, wait);
        }
        Deque<Instant> byAccount = accounts.computeIfAbsent(key, k -> new ArrayDeque<>());
        wait = tryRecord(byAccount, now, limits.accountLockout());
        if (!wait.isZero()) {
            forget(byAddress, now);
            return new Attempt(key, address, now, 0, wait);
        }
        return new Attempt(key, address, now, count(byAccount, now), Duration.ZERO);
    }

    /** The attempt failed: it stays counted; returns how long to hold back its answer. */
    public Duration failed(Attempt attempt) {
        int beyondFree = attempt.accountCount() - limits.freeFailures();
        if (beyondFree <= 0) {
            return Duration.ZERO;
        }
        Duration delay = limits.baseDelay().multipliedBy(1L << Math.min(beyondFree - 1, 20));
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }

    /**
     * The password was right: the account's failures are cleared, and this attempt no longer counts against its
     * address (people behind one address who log in correctly never lock each other out). Earlier failures from
     * the address still count: one good account must not launder guesses at others.
     */
    public void succeeded(Attempt attempt) {
        accounts.remove(attempt.account());
        Deque<Instant> q = addresses.get(attempt.address());
        if (q != null) {
            forget(q, attempt.at());
        }
    }

    private Duration tryRecord(Deque<Instant> q, Instant now, int limit) {
        synchronized (q) {
            prune(q, now);
            if (q.size() >= limit) {
                Instant oldest = q.peekFirst();
                Duration d = Duration.between(now, oldest.plus(limits.window()));
                return d.isNegative() || d.isZero() ? Duration.ofSeconds(1) : d.plusSeconds(1).withNanos(0);
            }
            q.addLast(now);
            return Duration.ZERO;
        }
    }

    private static void forget(Deque<Instant> q, Instant at) {
        synchronized (q) {
            q.removeLastOccurrence(at);
        }
    }


    private int count(Deque<Instant> q, Instant now) {
        synchronized (q) {
            prune(q, now);
            return q.size();
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
