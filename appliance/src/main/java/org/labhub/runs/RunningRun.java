package org.labhub.runs;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** A run as the engine holds it while it waits, runs and for a while after. */
final class RunningRun implements Run {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final String id;
    private final RunSpec spec;
    private final CompletableFuture<RunOutcome> completion = new CompletableFuture<>();
    final AtomicReference<RunState> state = new AtomicReference<>(RunState.QUEUED);
    /** Submission order, for "n runs ahead of yours". */
    final long seq = SEQUENCE.incrementAndGet();
    volatile boolean cancelRequested;
    volatile String containerId;
    volatile java.time.Instant started;
    private RunLog log;
    /** Followers that came before the log existed, with the handles they were given. */
    private final java.util.List<Pending> pending = new java.util.ArrayList<>();

    private static final class Pending implements AutoCloseable {
        final Consumer<String> line;
        volatile AutoCloseable attached;
        volatile boolean closed;

        Pending(Consumer<String> line) {
            this.line = line;
        }

        @Override
        public void close() throws Exception {
            closed = true;
            if (attached != null) {
                attached.close();
            }
        }
    }

    RunningRun(String id, RunSpec spec) {
        this.id = id;
        this.spec = spec;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public RunSpec spec() {
        return spec;
    }

    @Override
    public RunState state() {
        return state.get();
    }

    @Override
    public CompletableFuture<RunOutcome> completion() {
        return completion;
    }

    @Override
    public java.util.Optional<java.time.Instant> startedAt() {
        return java.util.Optional.ofNullable(started);
    }

    void finish(RunOutcome outcome) {
        completion.complete(outcome);
    }

    /** Gives the run its log; followers waiting for it are attached. */
    synchronized void attach(RunLog runLog) {
        log = runLog;
        for (Pending p : pending) {
            if (!p.closed) {
                p.attached = runLog.follow(p.line);
            }
        }
        pending.clear();
    }

    /** Before the run starts there is no log yet: a follower then waits for it; a run that never started has none. */
    @Override
    public synchronized AutoCloseable followLog(Consumer<String> line) {
        if (log != null) {
            return log.follow(line);
        }
        if (completion.isDone()) {
            RunLog.completeLines(spec.workdir().resolve(RunLog.FILE_NAME)).forEach(line);
            return () -> {};
        }
        Pending p = new Pending(line);
        pending.add(p);
        return p;
    }

    synchronized void dropPending() {
        pending.clear();
    }
}
