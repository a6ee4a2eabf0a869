package org.labhub.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import org.labhub.runs.RunState;

/**
 * One batch job as the catalog records it.
 *
 * @param notebook the notebook's path in the owner's file namespace (no leading slash)
 * @param parameters a JSON object, as submitted
 * @param failingCell index of the first failing cell among all cells of the executed notebook
 * @param outputPath where the executed notebook was saved in the owner's namespace; empty until saved
 */
public record Job(long id, String owner, String notebook, String environment, String profile, String parameters,
                  String outputFolder, Duration timeout, boolean stopOnError, RunState state, String message,
                  OptionalInt failingCell, String failingError, String outputPath, String imageDigest, String runId,
                  Instant createdAt, Optional<Instant> startedAt, Optional<Instant> finishedAt) {

    /** The notebook's file name without its folder. */
    public String notebookName() {
        int slash = notebook.lastIndexOf('/');
        return slash < 0 ? notebook : notebook.substring(slash + 1);
    }

    public Job withLive(RunState live, Optional<Instant> started) {
        return new Job(id, owner, notebook, environment, profile, parameters, outputFolder, timeout, stopOnError, live, message,
                failingCell, failingError, outputPath, imageDigest, runId, createdAt, started.or(() -> startedAt), finishedAt);
    }

    /** Run time so far (running) or in all (finished); empty before it starts. */
    public Optional<Duration> duration(Instant now) {
        return startedAt.map(s -> Duration.between(s, finishedAt.orElse(now)));
    }
}
