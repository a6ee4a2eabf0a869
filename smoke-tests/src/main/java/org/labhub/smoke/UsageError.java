package org.labhub.smoke;

/** A bad command line: the suite exits 2 with this message and never talks to the hub. */
final class UsageError extends Exception {
    UsageError(String message) {
        super(message);
    }
}
