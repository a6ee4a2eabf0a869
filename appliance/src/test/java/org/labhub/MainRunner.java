package org.labhub;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the {@code labhub} command in this JVM, as tests in other packages need, capturing what it prints. */
public final class MainRunner {
    private MainRunner() {}

    /** The exit status {@code labhub} would end with, and its standard output and error. */
    public record Outcome(int status, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + status + "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
        }
    }

    /** Swaps System.out and System.err for the call; synchronized because they are JVM-wide. */
    public static synchronized Outcome run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
            status = Main.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new Outcome(status, capturedOut.toString(StandardCharsets.UTF_8), capturedErr.toString(StandardCharsets.UTF_8));
    }
}
