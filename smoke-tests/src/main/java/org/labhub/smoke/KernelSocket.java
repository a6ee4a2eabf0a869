package org.labhub.smoke;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Jupyter kernel's channels over one WebSocket, as the notebook page uses them: Jupyter's JSON wire format
 * (protocol 5.3) on {@code …/api/kernels/<id>/channels}; long messages may arrive in pieces.
 */
final class KernelSocket implements WebSocket.Listener, AutoCloseable {
    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final String session = UUID.randomUUID().toString();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private WebSocket socket;

    /** Opens the channels of a kernel under a server's base path ({@code /user/NAME/}). */
    static KernelSocket open(Hub hub, String serverPath, String kernelId) {
        KernelSocket k = new KernelSocket();
        k.socket = hub.webSocket(serverPath + "api/kernels/" + kernelId + "/channels?session_id=" + k.session, k);
        return k;
    }

    /** What one execution printed on stdout and how its reply ended. */
    record Result(String stdout, String status, String error) {}

    Result execute(String code, Duration timeout) {
        String id = UUID.randomUUID().toString();
        ObjectNode msg = Json.object();
        msg.putObject("header").put("msg_id", id).put("username", "smoke").put("session", session)
                .put("msg_type", "execute_request").put("version", "5.3").put("date", Instant.now().toString());
        msg.putObject("parent_header");
        msg.putObject("metadata");
        msg.putObject("content").put("code", code).put("silent", false).put("store_history", false)
                .put("allow_stdin", false).put("stop_on_error", true).putObject("user_expressions");
        msg.put("channel", "shell");
        msg.putArray("buffers");
        socket.sendText(msg.toString(), true).join();
        StringBuilder out = new StringBuilder();
        String status = null;
        String error = "";
        boolean idle = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (status == null || !idle) {
            JsonNode m;
            try {
                m = messages.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StepFailure("interrupted while waiting for the kernel");
            }
            if (m == null) {
                throw new StepFailure("the kernel gave no complete answer to " + code + " within " + timeout.toSeconds() + " s (stdout so far: '"
                        + out.toString().trim() + "', reply: " + (status == null ? "none" : status) + ", socket closed: "
                        + closed.getNow("no") + ")");
            }
            if (!id.equals(m.path("parent_header").path("msg_id").asString(""))) {
                continue;
            }
            JsonNode content = m.path("content");
            switch (m.path("header").path("msg_type").asString("")) {
                case "stream" -> out.append(content.path("text").asString(""));
                case "error" -> error = content.path("ename").asString("") + ": " + content.path("evalue").asString("");
                case "execute_reply" -> status = content.path("status").asString("");
                case "status" -> idle = content.path("execution_state").asString("").equals("idle");
                default -> { }
            }
        }
        return new Result(out.toString(), status, error);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            JsonNode n = Json.parseOrNull(partial.toString());
            if (n != null) {
                messages.add(n);
            }
            partial.setLength(0);
        }
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closed.complete(statusCode + " " + reason);
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closed.complete("error " + Hub.describe(error));
    }

    @Override
    public void close() {
        if (socket != null && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }
}
