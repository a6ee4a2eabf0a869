package org.labhub.smoke;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the steps in order, one timed line each, and stops at the first failure; then undoes what the run made
 * (stop the server, delete the users) even so, reporting cleanup trouble without hiding the first failure.
 */
final class Runner {
    private final PrintStream out;
    private final boolean debug;

    Runner(PrintStream out, boolean debug) {
        this.out = out;
        this.debug = debug;
    }

    /** The cleanup's own time, after the run's limit if need be. */
    private static final Duration CLEANUP_GRACE = Duration.ofMinutes(3);

    /** 0 when every step passed, 1 otherwise. */
    int run(List<Step> steps, Context c) {
        // Ctrl-C or SIGTERM in the middle of a run: still undo what it made, as after a failure.
        AtomicBoolean finished = new AtomicBoolean();
        Thread hook = new Thread(() -> {
            if (finished.compareAndSet(false, true)) {
                out.println("smoke: interrupted; cleaning up");
                cleanUp(c);
            }
        }, "smoke-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return runSteps(steps, c, finished);
        } finally {
            finished.set(true);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is already running: it does the cleanup
            }
        }
    }

    private int runSteps(List<Step> steps, Context c, AtomicBoolean finished) {
        long start = System.nanoTime();
        int passed = 0;
        String failure = null;
        String failedStep = null;
        for (Step s : steps) {
            String problem = attempt(s, c, "ok", "FAILED");
            if (problem != null) {
                failure = problem;
                failedStep = s.name();
                break;
            }
            passed++;
        }
        if (failure != null) {
            if (finished.compareAndSet(false, true)) {
                cleanUp(c);
            }
            out.printf(Locale.ROOT, "smoke: FAILED at \"%s\" after %d of %d steps passed (%s): %s%n", failedStep, passed, steps.size(),
                    seconds(start), failure);
            return 1;
        }
        out.printf(Locale.ROOT, "smoke: %d steps passed in %s%n", passed, seconds(start));
        return 0;
    }

    /** Stops the server and deletes the users if the run got that far; each printed, none hiding the first failure. */
    private void cleanUp(Context c) {
        c.deadline.grace(CLEANUP_GRACE);
        for (Step s : CleanupSteps.afterFailure(c)) {
            attempt(s, c, "cleanup ok", "cleanup FAILED");
        }
    }

    /** Runs one step and prints its line; answers null on success, else the failure's message. */
    private String attempt(Step s, Context c, String okTag, String failTag) {
        long t0 = System.nanoTime();
        String problem;
        try {
            c.deadline.check("starting \"" + s.name() + "\"");
            s.action().run(c);
            out.printf(Locale.ROOT, "smoke: [%s] %s (%s)%n", okTag, s.name(), seconds(t0));
            return null;
        } catch (StepFailure e) {
            problem = e.getMessage();
        } catch (Exception | AssertionError e) {
            // Not a failure the suite foresaw: say what it was; the stack trace only when asked for.
            problem = "unexpected " + Hub.describe(e);
            if (debug) {
                e.printStackTrace(out);
            }
        }
        out.printf(Locale.ROOT, "smoke: [%s] %s (%s): %s%n", failTag, s.name(), seconds(t0), problem);
        return problem;
    }

    private static String seconds(long startNanos) {
        return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
    }
}
