package org.labhub.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running one main class on the test class path, for promises that only hold across processes
 * (an OS file lock, a database surviving {@code kill -9}). Its output is read on background threads, so it never
 * blocks on a full pipe, and tests wait for a line with a deadline instead of sleeping.
 */
public final class ForkedJvm implements AutoCloseable {
    private final Process process;
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread outReader;
    private final Thread errReader;

    private ForkedJvm(Process process) {
        this.process = process;
        this.outReader = drain(process.getInputStream(), stdout, "fork-stdout");
        this.errReader = drain(process.getErrorStream(), stderr, "fork-stderr");
    }

    /** Starts {@code java -cp <this class path> mainClass args…} with extra environment variables. */
    public static ForkedJvm start(String mainClass, Map<String, String> env, String... args) throws IOException {
        return start(List.of("-Xmx256m"), mainClass, env, args);
    }

    /** Like {@link #start(String, Map, String...)} with these JVM options (a heap size, say) instead of {@code -Xmx256m}. */
    public static ForkedJvm start(List<String> jvmOptions, String mainClass, Map<String, String> env, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        return new ForkedJvm(pb.start());
    }

    private static Thread drain(InputStream in, StringBuffer into, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    synchronized (into) {
                        into.append(line).append('\n');
                        into.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process is gone; what was read stays in the buffer
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits until standard output holds a line containing {@code text}; fails if the process dies first or time runs out. */
    public void awaitStdout(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stdout) {
            while (stdout.indexOf(text) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !outReader.isAlive())) {
                    throw new AssertionError("forked JVM did not print \"" + text + "\" within " + timeout
                            + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")") + describe());
                }
                stdout.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 200)));
            }
        }
    }

    /** Waits for the process to end and returns its exit status; fails when it is still running after {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("forked JVM still running after " + timeout + describe());
        }
        // let the readers take the last bytes of output
        outReader.join(timeout.toMillis());
        errReader.join(timeout.toMillis());
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hooks, no finally blocks, no flushing; then waits until the process is gone. */
    public void kill9(Duration timeout) throws InterruptedException {
        process.destroyForcibly();
        awaitExit(timeout);
    }

    public String stdout() {
        return stdout.toString();
    }

    public String stderr() {
        return stderr.toString();
    }

    /** The process id, to read its memory from {@code /proc/<pid>/status}. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private String describe() {
        return "\n--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
