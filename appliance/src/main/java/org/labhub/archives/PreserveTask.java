package org.labhub.archives;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.labhub.runs.RunOutcome;

/** One preservation in progress or just finished, as its status URL shows it: state, log, image export progress. */
public final class PreserveTask {
    private static final int MAX_LOG_LINES = 2000;

    /** running → exporting (the image) → writing (the bag) → done, or failed at any step. */
    public enum State { RUNNING, EXPORTING, WRITING, DONE, FAILED }

    private final String id;
    private final String owner;
    private final Instant started;
    private final PreserveRequest request;
    private final List<String> log = new ArrayList<>();
    private State state = State.RUNNING;
    private long exportedBytes;
    private long imageBytes;
    private String archiveId;
    private String message = "";
    private RunOutcome.CellFailure failure;
    private String failedNotebook;

    PreserveTask(String id, String owner, Instant started, PreserveRequest request) {
        this.id = id;
        this.owner = owner;
        this.started = started;
        this.request = request;
    }

    public String id() { return id; }
    public String owner() { return owner; }
    public Instant started() { return started; }
    /** What was asked: a failed preservation can be asked again as it was, "does not run" added. */
    public PreserveRequest request() { return request; }

    public synchronized State state() { return state; }
    public synchronized String message() { return message; }
    public synchronized Optional<String> archiveId() { return Optional.ofNullable(archiveId); }
    public synchronized long exportedBytes() { return exportedBytes; }
    public synchronized long imageBytes() { return imageBytes; }
    public synchronized Optional<RunOutcome.CellFailure> failure() { return Optional.ofNullable(failure); }
    public synchronized Optional<String> failedNotebook() { return Optional.ofNullable(failedNotebook); }

    public synchronized List<String> log() {
        return List.copyOf(log);
    }

    synchronized void log(String line) {
        if (log.size() >= MAX_LOG_LINES) {
            log.remove(0);
        }
        log.add(line);
    }

    synchronized void state(State s) { state = s; }

    synchronized void exporting(long done, long total) {
        exportedBytes = done;
        imageBytes = total;
    }

    synchronized void done(String archive) {
        archiveId = archive;
        state = State.DONE;
    }

    synchronized void failed(String why) {
        message = why;
        state = State.FAILED;
    }

    synchronized void failedCell(String notebook, RunOutcome.CellFailure f, String why) {
        failedNotebook = notebook;
        failure = f;
        failed(why);
    }
}
