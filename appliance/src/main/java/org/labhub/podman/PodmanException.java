package org.labhub.podman;

/**
 * A Podman call that failed, carrying Podman's own words ({@code cause} and {@code message} of its error body),
 * so that what the operator reads is what Podman said, not a guess of ours.
 */
public class PodmanException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String podmanCause;

    public PodmanException(String message, int status, String podmanCause, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.podmanCause = podmanCause;
    }

    /** The HTTP status Podman answered with, or 0 when it did not answer at all. */
    public int status() {
        return status;
    }

    /** Podman's short cause, such as {@code no such container}; empty when Podman gave none. */
    public String podmanCause() {
        return podmanCause;
    }

    /** Podman answered 404: no such container or image. */
    public static final class NotFound extends PodmanException {
        private static final long serialVersionUID = 1L;

        public NotFound(String message, int status, String podmanCause) {
            super(message, status, podmanCause, null);
        }
    }

    /**
     * The request clashes with the current state: a name already in use, a container not in the state the call
     * needs. Podman 4.3 answers some of these with 500 rather than 409, so its cause decides too.
     */
    public static final class Conflict extends PodmanException {
        private static final long serialVersionUID = 1L;

        public Conflict(String message, int status, String podmanCause) {
            super(message, status, podmanCause, null);
        }
    }

    /** Podman could not be reached or did not answer in time: no socket, connection refused, or a hung service. */
    public static final class Unavailable extends PodmanException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, Throwable cause) {
            super(message, 0, "", cause);
        }
    }
}
