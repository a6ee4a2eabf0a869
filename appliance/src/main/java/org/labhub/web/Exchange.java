package org.labhub.web;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.labhub.auth.Principal;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.PropertyBindingException;

/** One request and its response, with the helpers handlers need; the only HTTP type handlers see. */
public final class Exchange {
    private static final int MAX_FORM_BYTES = 64 * 1024;
    private static final int MAX_JSON_BYTES = 1024 * 1024;
    /** How much of an unread request body an error answer reads and drops first (see {@link #dropUnreadBody}). */
    private static final long DRAIN_LIMIT = 8L << 20;

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final Map<String, String> pathParams;
    private Principal principal = Principal.ANONYMOUS;
    private boolean responded;
    private boolean deferred;
    private boolean bodyRead;
    /** Jetty's stream over the request body, once a handler asked for it (see {@link #bodyStream}). */
    private InputStream body;
    private OutputStream streaming;

    Exchange(Request request, Response response, Callback callback, Map<String, String> pathParams) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.pathParams = pathParams;
    }

    /** An exchange outside the route table (the notebook proxy), with no path parameters. */
    public static Exchange of(Request request, Response response, Callback callback) {
        return new Exchange(request, response, callback, Map.of());
    }

    public String method() { return request.getMethod(); }
    public String path() { return Request.getPathInContext(request); }
    public Principal principal() { return principal; }
    public void principal(Principal p) { this.principal = p; }
    public boolean secure() { return request.isSecure(); }
    public String clientAddress() { return Request.getRemoteAddr(request); }

    /** A path parameter as the client named it: percent escapes that Jetty kept are decoded (see {@link PercentDecoding}). */
    public String decodedPathParam(String name) {
        String v = pathParam(name);
        return v.indexOf('%') < 0 ? v : PercentDecoding.strict(v);
    }

    /** A {@code {name}} segment of the route's path template. */
    public String pathParam(String name) {
        String v = pathParams.get(name);
        if (v == null) {
            throw new IllegalStateException("route has no path parameter " + name);
        }
        return v;
    }

    public Optional<String> query(String name) {
        return Optional.ofNullable(Request.extractQueryParameters(request).getValue(name));
    }

    /** The path and query as the client sent them, for {@code next=} links back to this page. */
    public String pathAndQuery() {
        String q = request.getHttpURI().getQuery();
        return request.getHttpURI().getPath() + (q == null ? "" : "?" + q);
    }

    public Optional<String> header(String name) {
        return Optional.ofNullable(request.getHeaders().get(name));
    }

    public Optional<String> cookie(String name) {
        for (HttpCookie c : Request.getCookies(request)) {
            if (c.getName().equals(name)) {
                return Optional.of(c.getValue());
            }
        }
        return Optional.empty();
    }

    /** The request's own origin ({@code scheme://host[:port]}) as the client addressed it. */
    public String ownOrigin() {
        var uri = request.getHttpURI();
        String scheme = uri.getScheme() == null ? (secure() ? "https" : "http") : uri.getScheme();
        int port = uri.getPort();
        boolean defaultPort = port <= 0 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + uri.getHost() + (defaultPort ? "" : ":" + port);
    }

    public boolean isFormBody() {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        return type != null && type.toLowerCase().startsWith("application/x-www-form-urlencoded");
    }

    /** The URL-encoded form body (parsed once, at most 64 KiB). */
    public Fields form() {
        bodyRead = true;
        if (!isFormBody()) {
            throw HttpError.badRequest("expected a form (application/x-www-form-urlencoded)");
        }
        try {
            return FormFields.getFields(request, 200, MAX_FORM_BYTES);
        } catch (RuntimeException e) {
            throw HttpError.badRequest("the form could not be read: it is malformed or larger than 64 KiB");
        }
    }

    public String formValue(String name) {
        String v = form().getValue(name);
        return v == null ? "" : v;
    }

    /** Reads a JSON body (at most 1 MiB) into {@code type}; malformed input is a 400 naming the problem. */
    public <T> T jsonBody(Class<T> type) {
        bodyRead = true;
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (contentType != null && !contentType.toLowerCase().startsWith("application/json")) {
            throw new HttpError(415, "unsupported_media_type", "expected a JSON body (Content-Type: application/json)");
        }
        long length = request.getLength();
        if (length > MAX_JSON_BYTES) {
            throw new HttpError(413, "too_large", "JSON bodies are limited to 1 MiB");
        }
        String text;
        try {
            text = Content.Source.asString(request, StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw HttpError.badRequest("the request body could not be read");
        }
        if (text.length() > MAX_JSON_BYTES) {
            throw new HttpError(413, "too_large", "JSON bodies are limited to 1 MiB");
        }
        if (text.isBlank()) {
            text = "{}";
        }
        try {
            return Json.MAPPER.readValue(text, type);
        } catch (JacksonException e) {
            throw HttpError.badRequest(describe(e));
        }
    }

    /** Says what is wrong with a JSON body in the client's terms: field names, never our class names. */
    static String describe(JacksonException e) {
        if (e instanceof PropertyBindingException p) {
            List<String> known = p.getKnownPropertyIds() == null ? List.of()
                    : p.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList();
            return "unknown field \"" + p.getPropertyName() + "\"" + (known.isEmpty() ? "" : "; known fields: " + String.join(", ", known));
        }
        String field = e.getPath().stream().map(r -> r.getPropertyName() != null ? r.getPropertyName() : "[" + r.getIndex() + "]")
                .reduce((a, b) -> a + "." + b).orElse("");
        if (e instanceof MismatchedInputException) {
            return field.isEmpty() ? "the JSON body has the wrong shape (expected an object)" : "field \"" + field + "\" has the wrong type";
        }
        String message = e.getOriginalMessage() == null ? "malformed" : e.getOriginalMessage();
        return "invalid JSON body: " + message.replaceAll("\\s*\\([^)]*(class|org\\.labhub|java\\.)[^)]*\\)", "");
    }

    public void setHeader(String name, String value) {
        response.getHeaders().put(name, value);
    }

    public void addCookie(HttpCookie cookie) {
        Response.addCookie(response, cookie);
    }

    public void json(int status, Object body) {
        send(status, "application/json", Json.MAPPER.writeValueAsString(body));
    }

    public void html(int status, String html) {
        send(status, "text/html;charset=utf-8", html);
    }

    public void send(int status, String contentType, String body) {
        if (status >= 400) {
            dropUnreadBody();
        }
        markResponded();
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        Content.Sink.write(response, true, body, callback);
    }

    /**
     * Starts a streamed body (file downloads, zips): status and headers go out with the first bytes; closing the
     * stream completes the response. {@code length} -1 when unknown (chunked).
     */
    public OutputStream stream(int status, String contentType, long length) {
        markResponded();
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        if (length >= 0) {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        }
        OutputStream out = Content.Sink.asOutputStream(response);
        streaming = new FilterOutputStream(out) {
            private boolean closed;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                if (closed) {
                    return;
                }
                closed = true;
                try {
                    out.close();
                    callback.succeeded();
                } catch (IOException | RuntimeException e) {
                    callback.failed(e);
                    throw e;
                } finally {
                    streaming = null;
                }
            }
        };
        return streaming;
    }

    /**
     * Ends a streamed response that failed half way (or whose client went away): the client sees the connection
     * reset, not a short file.
     */
    public void abortStream(Throwable cause) {
        if (streaming != null) {
            streaming = null;
            callback.failed(cause);
        }
    }

    /**
     * Before an early refusal (507 over quota, 401, 413…) of a request whose body is still coming: reads and drops
     * the rest of it when that is small. Closing a connection with unread bytes makes the kernel reset it, and the
     * reset can destroy the answer before the client reads it ("no bytes"). A large rest is not worth the wait: the
     * connection is closed after the answer instead.
     */
    private void dropUnreadBody() {
        if (!hasBody() || responded) {
            return;
        }
        InputStream rest = body != null ? body : Content.Source.asInputStream(request);
        try {
            long dropped = 0;
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = rest.read(buffer)) >= 0; ) {
                dropped += n;
                if (dropped > DRAIN_LIMIT) {
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                    rest.close();
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close"); // the client went away or sent garbage
        }
    }

    /** The request body as a stream (uploads), read once; its length is {@link #contentLength}, -1 if unknown. */
    public InputStream bodyStream() {
        bodyRead = true;
        if (body == null) {
            body = Content.Source.asInputStream(request);
        }
        // Closing Jetty's stream before the body's end fails the request, and an error answer sent after that (507 in
        // the middle of an upload) can be lost to a reset connection: handlers close this view freely, and what is
        // left is read away by the error answer (dropUnreadBody) or by Jetty at the end of the exchange.
        return new java.io.FilterInputStream(body) {
            @Override
            public void close() {
            }
        };
    }

    public long contentLength() {
        return request.getLength();
    }

    public void noContent() {
        markResponded();
        response.setStatus(204);
        callback.succeeded();
    }

    /** Starts a server-sent event stream; the caller writes events on this thread and closes it when done. */
    public EventStream eventStream() {
        markResponded();
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream;charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        // Tells a buffering reverse proxy (nginx) to pass each event on at once.
        response.getHeaders().put("X-Accel-Buffering", "no");
        return new EventStream(response, callback);
    }

    /** 303 See Other to a path on this hub (after a form post, so a reload does not post again). */
    public void redirect(String location) {
        markResponded();
        response.setStatus(303);
        response.getHeaders().put(HttpHeader.LOCATION, location);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        callback.succeeded();
    }

    /** Answers later without holding a thread: the router returns at once and {@code task} responds after {@code delay}. */
    public void later(Duration delay, Runnable task) {
        deferred = true;
        request.getComponents().getScheduler().schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                if (!responded) {
                    Response.writeError(request, response, callback, 500);
                }
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void markResponded() {
        if (responded) {
            throw new IllegalStateException("response already written");
        }
        responded = true;
        settleUnreadBody();
    }

    /**
     * Reads away a request body the handler did not need (a POST answered with an error, say) before answering, so
     * the connection can carry the client's next request. Left unread, Jetty closes the connection after the
     * answer, and a client that already reused it for another POST sees it close without a reply. Bodies too big
     * (or of unknown length) to read away are not read: the answer then says the connection closes.
     */
    private void settleUnreadBody() {
        if (bodyRead) {
            return;
        }
        bodyRead = true;
        if (!hasBody()) {
            return;
        }
        long length = request.getLength();
        if (length > 0 && length <= MAX_JSON_BYTES) {
            try {
                Content.Source.consumeAll(request);
                return;
            } catch (IOException e) {
                // fall through: let the connection close
            }
        }
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }

    /** Jetty reports length -1 both for "no body at all" (a GET) and for a chunked body: the header tells them apart. */
    private boolean hasBody() {
        return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    /** The request body as a stream, for handlers that read it themselves (WebDAV uploads and XML bodies). */
    public Content.Source body() {
        bodyRead = true;
        return request;
    }

    /** The {@code #fragment} of the request URI, which a client should never send (a DELETE must not drop it and hit the folder). */
    public Optional<String> uriFragment() {
        return Optional.ofNullable(request.getHttpURI().getFragment());
    }

    /** The request's length in bytes, or -1 when the client did not say (chunked). */
    public long bodyLength() {
        return request.getLength();
    }

    /**
     * Takes over the response for a streamed answer: the caller sets status and headers on {@link #response()},
     * writes the body, and completes the returned callback exactly once.
     */
    public Callback takeOver() {
        markResponded();
        return callback;
    }

    public boolean responded() { return responded; }
    boolean deferred() { return deferred; }
    Request request() { return request; }
    public Response response() { return response; }
    Callback callback() { return callback; }

}
