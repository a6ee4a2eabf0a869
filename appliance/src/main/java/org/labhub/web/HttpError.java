package org.labhub.web;

/**
 * An answer to a bad request, thrown from a handler: the status and a message written for the person or
 * script that sent the request. Pages show the message; the API returns {@code {"error", "message"}}.
 */
public final class HttpError extends RuntimeException {
    private final int status;
    private final String code;
    private final long retryAfterSeconds;

    public HttpError(int status, String code, String message) {
        this(status, code, message, 0);
    }

    private HttpError(int status, String code, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** Seconds for a {@code Retry-After} header, or 0 for none. */
    public long retryAfterSeconds() { return retryAfterSeconds; }

    public int status() { return status; }
    /** Short machine-readable reason, e.g. {@code not_found}. */
    public String code() { return code; }

    public static HttpError badRequest(String message) { return new HttpError(400, "bad_request", message); }
    public static HttpError unauthorized(String message) { return new HttpError(401, "unauthorized", message); }
    public static HttpError forbidden(String message) { return new HttpError(403, "forbidden", message); }
    public static HttpError notFound(String message) { return new HttpError(404, "not_found", message); }
    public static HttpError conflict(String message) { return new HttpError(409, "conflict", message); }
    public static HttpError tooManyRequests(String message, long retryAfterSeconds) {
        return new HttpError(429, "too_many_requests", message, Math.max(1, retryAfterSeconds));
    }
    public static HttpError unavailable(String message) { return new HttpError(503, "unavailable", message); }
}
