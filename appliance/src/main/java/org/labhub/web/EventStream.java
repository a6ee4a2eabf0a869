package org.labhub.web;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * A server-sent event stream ({@code text/event-stream}) written from the request's own thread: each write blocks
 * until sent, so a client that went away shows up as an {@link IOException} at the next write. Streams here are
 * short (a start takes seconds), which is why holding a thread for one is fine.
 */
public final class EventStream implements AutoCloseable {
    private final Response response;
    private final Callback callback;
    private boolean closed;

    EventStream(Response response, Callback callback) {
        this.response = response;
        this.callback = callback;
    }

    /** Sends one event whose data is {@code json} (one line). */
    public void send(String json) throws IOException {
        write("data: " + json.replace("\n", " ") + "\n\n");
    }

    /** Sends a comment line, which browsers ignore: keeps proxies and idle timeouts from closing a quiet stream. */
    public void keepAlive() throws IOException {
        write(": keep-alive\n\n");
    }

    private void write(String text) throws IOException {
        try (Blocker.Callback b = Blocker.callback()) {
            response.write(false, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), b);
            b.block();
        }
    }

    /** Ends the response. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        response.write(true, null, callback);
    }
}
