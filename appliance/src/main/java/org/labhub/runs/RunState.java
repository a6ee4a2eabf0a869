package org.labhub.runs;

/** Where a run is: queued → running → one of the final states. */
public enum RunState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED, TIMED_OUT;

    public boolean isFinal() {
        return this != QUEUED && this != RUNNING;
    }
}
