package org.labhub.smoke;

import java.time.Duration;
import java.util.function.Supplier;

/** The whole run's time limit (--timeout-minutes), and polling under it: no step waits past it, none sleeps blindly. */
final class Deadline {
    private static final long POLL_MILLIS = 250;
    private volatile long endNanos;
    private final Duration total;

    Deadline(Duration total) {
        this.total = total;
        this.endNanos = System.nanoTime() + total.toNanos();
    }

    /** Leaves at least {@code d} from now: the cleanup gets its own time even when the run used all of its own. */
    void grace(Duration d) {
        endNanos = Math.max(endNanos, System.nanoTime() + d.toNanos());
    }

    Duration remaining() {
        return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    /** At most {@code wanted}, and never beyond the run's end (but at least a second, so a last request can answer). */
    Duration cap(Duration wanted) {
        Duration left = remaining();
        Duration d = wanted.compareTo(left) < 0 ? wanted : left;
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
    }

    void check(String what) {
        if (System.nanoTime() > endNanos) {
            throw new StepFailure("the run's time limit (" + total.toMinutes() + " min, --timeout-minutes) passed while " + what);
        }
    }

    /**
     * Calls {@code attempt} until it answers non-null, at most for {@code max} (cut short by the run's limit);
     * the timeout message ends with what {@code lastSeen} says (the last state the hub gave).
     */
    <T> T await(String what, Duration max, Supplier<T> attempt, Supplier<String> lastSeen) {
        Duration limit = cap(max);
        long start = System.nanoTime();
        while (true) {
            T result = attempt.get();
            if (result != null) {
                return result;
            }
            if (System.nanoTime() - start > limit.toNanos()) {
                String last = lastSeen.get();
                throw new StepFailure("timed out after " + limit.toSeconds() + " s waiting for " + what
                        + (last == null || last.isEmpty() ? "" : " (last seen: " + last + ")"));
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StepFailure("interrupted while waiting for " + what);
            }
        }
    }
}
