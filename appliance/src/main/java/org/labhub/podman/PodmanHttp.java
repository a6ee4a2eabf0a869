package org.labhub.podman;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The libpod API over a Unix socket: the one place that sends a request with a deadline and turns every
 * failure (no socket, no answer, an error status) into a typed {@link PodmanException}.
 */
final class PodmanHttp implements AutoCloseable {
    /** Podman 4.x serves its native API under this prefix; 4.0.0 is the oldest version it promises to accept. */
    static final String API = "/v4.0.0/libpod";
    /** Largest body read into memory (inspect, lists, logs with a tail); streams are read incrementally instead. */
    private static final int MAX_BODY = 16 * 1024 * 1024;
    /** Podman 4.3 answers these with 500 although they are conflicts with the current state (its docs say 409). */
    private static final Set<String> CONFLICT_CAUSES = Set.of(
            "that name is already in use", "container state improper", "container already exists");

    private final Path socket;
    private final Duration timeout;
    private final HttpClient http;

    PodmanHttp(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
        QueuedThreadPool threads = new QueuedThreadPool(16, 1);
        threads.setName("podman-client");
        threads.setDaemon(true);
        http = new HttpClient();
        http.setExecutor(threads);
        http.setConnectTimeout(timeout.toMillis());
        http.setIdleTimeout(timeout.toMillis());
        http.setFollowRedirects(false);
        http.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "labhub"));
        try {
            http.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client for Podman", e);
        }
    }

    Path socket() {
        return socket;
    }

    Duration timeout() {
        return timeout;
    }

    /** A request to {@code path} under the libpod prefix, on the socket, with the default deadline. */
    Request request(String method, String path) {
        return request(method, path, timeout);
    }

    /**
     * A request with its own deadline, for calls that may rightly take long (wait, stop, load): the idle timeout
     * grows with it, since Podman sends nothing back while it works.
     */
    Request request(String method, String path, Duration deadline) {
        return http.newRequest("http://localhost" + API + path)
                .method(method)
                .transport(new Transport.TCPUnix(socket))
                .timeout(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .idleTimeout(Math.max(deadline.toMillis(), timeout.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** Sends and reads the whole answer; a status outside {@code ok} becomes the matching exception. */
    Answer send(Request request, int... ok) {
        ContentResponse response;
        try {
            response = new CompletableResponseListener(request, MAX_BODY).send().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(request, e);
        } catch (ExecutionException e) {
            throw unavailable(request, e.getCause());
        }
        Answer answer = new Answer(response.getStatus(), response.getContent());
        for (int status : ok) {
            if (status == answer.status()) {
                return answer;
            }
        }
        throw error(describe(request), answer);
    }

    /**
     * Sends and returns the body as a stream once the status is {@code ok}, for answers too large to hold
     * (archives). Closing the stream early aborts the exchange. Any other status becomes the matching exception.
     */
    InputStream stream(Request request, int ok) {
        return stream(request, ok, timeout);
    }

    /** Like {@link #stream(Request, int)}, waiting up to {@code headers} for the answer to begin (an image save first writes the whole archive). */
    InputStream stream(Request request, int ok, Duration headers) {
        InputStreamResponseListener listener = new InputStreamResponseListener();
        request.send(listener);
        Response response;
        try {
            response = listener.get(headers.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.abort(e);
            throw unavailable(request, e);
        } catch (TimeoutException e) {
            request.abort(e);
            throw unavailable(request, e);
        } catch (ExecutionException e) {
            throw unavailable(request, e.getCause());
        }
        InputStream body = listener.getInputStream();
        if (response.getStatus() == ok) {
            return body;
        }
        byte[] error;
        try (body) {
            error = body.readNBytes(64 * 1024);
        } catch (IOException e) {
            error = new byte[0];
        }
        throw error(describe(request), new Answer(response.getStatus(), error));
    }

    /** The exception for a call that got no usable answer, saying what to do about it. */
    PodmanException.Unavailable unavailable(Request request, Throwable cause) {
        return unavailable(describe(request), cause);
    }

    private PodmanException.Unavailable unavailable(String what, Throwable cause) {
        String hint = "is `podman system service` running? See docs/operations.md";
        if (cause instanceof TimeoutException) {
            return new PodmanException.Unavailable("Podman did not answer " + what + " in time at " + socket + ": " + hint, cause);
        }
        if (!Files.exists(socket)) {
            return new PodmanException.Unavailable("Podman is not reachable at " + socket + " (no such socket): " + hint, cause);
        }
        return new PodmanException.Unavailable("Podman is not reachable at " + socket + " (" + brief(cause) + "): " + hint, cause);
    }

    /** The exception's kind and, if it is short, its message (Jetty's EOF messages dump a whole connection). */
    private static String brief(Throwable cause) {
        if (cause == null) {
            return "no answer";
        }
        String message = cause.getMessage();
        boolean useful = message != null && message.length() <= 100 && !message.contains("@");
        return cause.getClass().getSimpleName() + (useful ? ": " + message : "");
    }

    /** Turns Podman's error body ({@code {"cause":…,"message":…,"response":…}}) into the typed exception. */
    static PodmanException error(String what, Answer answer) {
        String cause = "";
        String message = answer.text().trim();
        try {
            JsonNode body = PodmanJson.MAPPER.readTree(answer.body());
            cause = PodmanJson.text(body, "cause");
            message = PodmanJson.text(body, "message");
        } catch (JacksonException notJson) {
            // keep the raw text: some errors (a proxy, a panic) are not JSON
        }
        String full = what + ": " + message + " (HTTP " + answer.status() + ")";
        if (answer.status() == 404) {
            return new PodmanException.NotFound(full, answer.status(), cause);
        }
        if (answer.status() == 409 || CONFLICT_CAUSES.contains(cause)) {
            return new PodmanException.Conflict(full, answer.status(), cause);
        }
        return new PodmanException(full, answer.status(), cause, null);
    }

    static String describe(Request request) {
        String path = request.getPath();
        return request.getMethod() + " " + (path.startsWith(API) ? path.substring(API.length()) : path);
    }

    /** Percent-encodes one name or reference for a URL path; {@code /} stays, since image references contain it. */
    static String segment(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~:@/".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        try {
            http.stop();
        } catch (Exception e) {
            // stopping a client only releases threads and connections; nothing to recover
        }
    }

    /** A complete answer: status and body. */
    record Answer(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        JsonNode json() {
            try {
                return PodmanJson.MAPPER.readTree(body);
            } catch (JacksonException e) {
                throw new PodmanException("Podman answered with something that is not JSON: " + e.getOriginalMessage(), status, "", e);
            }
        }
    }
}
