package org.labhub.smoke;

/**
 * An expected way for a step to fail (a status, a missing answer, a timeout): its message is what the operator
 * reads, so it names the request and the hub's own reason, and no stack trace is printed for it.
 */
final class StepFailure extends RuntimeException {
    StepFailure(String message) {
        super(message, null, false, false);
    }
}
