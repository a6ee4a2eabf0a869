package org.labhub.runs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How a run ended: its final state, the exact image it ran in (digest, for archives), each notebook's result, and
 * when. {@code message} says in words what went wrong (time limit, cancelled, failed cell, container error).
 */
public record RunOutcome(RunState state, String imageDigest, List<NotebookResult> notebooks, Instant started, Instant finished,
                         Optional<String> message) {
    public RunOutcome {
        notebooks = List.copyOf(notebooks);
    }

    /** One executed notebook: where the executed copy was written (relative to the workdir) and its first failing cell. */
    public record NotebookResult(String notebook, String executed, Optional<CellFailure> failure) {}

    /** The first cell that raised: its index among all cells, and the error's name and value. */
    public record CellFailure(int cellIndex, String errorName, String errorValue) {}
}
