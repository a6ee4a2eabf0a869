package org.labhub.bench;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;

/**
 * A kernel's channels over one WebSocket, as the notebook page opens them, with Jetty's core WebSocket client (it
 * runs over whatever transport its HTTP client uses, so also over the notebook's Unix socket). Messages are Jupyter's
 * JSON wire format; only {@code execute_reply} and the {@code idle} status of our own request are looked at.
 */
final class KernelSocket implements FrameHandler, AutoCloseable {
    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final String session = UUID.randomUUID().toString();
    private final WebSocketCoreClient client;
    private volatile CoreSession socket;

    private KernelSocket(WebSocketCoreClient client) {
        this.client = client;
    }

    /** Opens {@code <base>api/kernels/<id>/channels} on this side. */
    static KernelSocket open(ProxySide side, HttpClient http, String baseUrl, String kernelId) throws Exception {
        WebSocketCoreClient client = new WebSocketCoreClient(http, null);
        client.start();
        KernelSocket k = new KernelSocket(client);
        URI uri = URI.create(side.wsOrigin() + baseUrl + "api/kernels/" + kernelId + "/channels?session_id=" + k.session);
        CoreClientUpgradeRequest up = CoreClientUpgradeRequest.from(client, uri, k);
        if (side.authorization() != null) {
            up.headers(h -> h.put(HttpHeader.AUTHORIZATION, side.authorization()));
        }
        up.timeout(10, TimeUnit.SECONDS);
        client.connect(up).get(15, TimeUnit.SECONDS);
        return k;
    }

    /** Runs {@code code}; returns the seconds from sending the request to its {@code execute_reply}, after the kernel is idle again. */
    double execute(String code, Duration timeout) throws Exception {
        String id = UUID.randomUUID().toString();
        String msg = "{\"header\":{\"msg_id\":\"" + id + "\",\"username\":\"bench\",\"session\":\"" + session
                + "\",\"msg_type\":\"execute_request\",\"version\":\"5.3\",\"date\":\"" + Instant.now() + "\"},"
                + "\"parent_header\":{},\"metadata\":{},\"content\":{\"code\":\"" + code + "\",\"silent\":false,"
                + "\"store_history\":true,\"user_expressions\":{},\"allow_stdin\":false,\"stop_on_error\":true},"
                + "\"channel\":\"shell\",\"buffers\":[]}";
        messages.clear();
        long deadline = System.nanoTime() + timeout.toNanos();
        long t0 = System.nanoTime();
        FutureCallback sent = new FutureCallback();
        socket.sendFrame(new Frame(OpCode.TEXT, msg), sent, false);
        sent.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        double reply = -1;
        boolean idle = false;
        while (reply < 0 || !idle) {
            String m = messages.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new IllegalStateException("no execute_reply and idle status for " + code + " within " + timeout.toSeconds() + " s");
            }
            if (!m.contains(id)) {
                continue;
            }
            if (m.contains("\"execute_reply\"")) {
                reply = (System.nanoTime() - t0) / 1e9;
                if (!m.contains("\"status\": \"ok\"") && !m.contains("\"status\":\"ok\"")) {
                    throw new IllegalStateException("execute_reply not ok: " + Http.abbreviate(m));
                }
            } else if (m.contains("\"execution_state\": \"idle\"") || m.contains("\"execution_state\":\"idle\"")) {
                idle = true;
            }
        }
        return reply;
    }

    @Override
    public void onOpen(CoreSession s, Callback callback) {
        socket = s;
        callback.succeeded();
        s.demand();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        byte op = frame.getOpCode();
        if (op == OpCode.TEXT || op == OpCode.CONTINUATION) {
            partial.append(frame.getPayloadAsUTF8());
            if (frame.isFin()) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
        }
        callback.succeeded();
        socket.demand();
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus status, Callback callback) {
        callback.succeeded();
    }

    @Override
    public void close() throws Exception {
        CoreSession s = socket;
        if (s != null && s.isOutputOpen()) {
            s.close(CloseStatus.NORMAL, "done", Callback.NOOP);
        }
        client.stop();
    }
}
