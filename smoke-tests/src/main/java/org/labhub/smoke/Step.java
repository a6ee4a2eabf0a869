package org.labhub.smoke;

/** One named, timed step of the suite. */
record Step(String name, Action action) {
    /** The work of a step; it throws {@link StepFailure} to fail with a message meant for the operator. */
    @FunctionalInterface
    interface Action {
        void run(Context c) throws Exception;
    }
}
