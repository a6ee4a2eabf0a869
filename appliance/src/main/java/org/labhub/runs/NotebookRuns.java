package org.labhub.runs;

import java.util.Optional;

/**
 * The one engine that runs notebooks without a person at the keyboard: batch jobs and preserve runs both submit
 * here. Each run gets a fresh container of the chosen environment, hardened like interactive servers and with no
 * network, whose {@code /work} is the run's folder; runs queue behind a concurrency limit and end in a final state.
 */
public interface NotebookRuns {

    /** Queues a run and returns at once; the spec has been checked (environment, profile, notebooks exist). */
    Run submit(RunSpec spec);

    /** A run by id, while the hub remembers it (jobs keep theirs in the catalog). */
    Optional<Run> find(String id);

    /** Stops a queued or running run; it ends {@link RunState#CANCELLED}. Does nothing to a finished run. */
    void cancel(String id);
}
