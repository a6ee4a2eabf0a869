package org.labhub.runs;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** A submitted run: its state now, its outcome once final, and its log as it grows. */
public interface Run {
    String id();

    RunSpec spec();

    RunState state();

    /** Completes (never exceptionally) when the run reaches a final state. */
    CompletableFuture<RunOutcome> completion();

    /** Sends the log written so far, then each new line until the run ends; returns a handle that stops following. */
    AutoCloseable followLog(Consumer<String> line);

    /** When its container started; empty while it waits in line. */
    default Optional<java.time.Instant> startedAt() {
        return Optional.empty();
    }

    default Optional<RunOutcome> outcome() {
        return Optional.ofNullable(completion().getNow(null));
    }
}
