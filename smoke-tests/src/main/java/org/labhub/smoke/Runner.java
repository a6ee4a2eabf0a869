package org.labhub.smoke;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

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

    /** 0 when every step passed, 1 otherwise. */
    int run(List<Step> steps, Context c) {
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
            for (Step s : CleanupSteps.afterFailure(c)) {
                attempt(s, c, "cleanup ok", "cleanup FAILED");
            }
            out.printf(Locale.ROOT, "smoke: FAILED at \"%s\" after %d of %d steps passed (%s): %s%n", failedStep, passed, steps.size(),
                    seconds(start), failure);
            return 1;
        }
        out.printf(Locale.ROOT, "smoke: %d steps passed in %s%n", passed, seconds(start));
        return 0;
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
