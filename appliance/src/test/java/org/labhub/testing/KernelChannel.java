package org.labhub.testing;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Jupyter kernel's channels over one WebSocket, the way the notebook page talks to its kernel: execute code and
 * collect what it prints. Messages are Jupyter's JSON wire format (protocol 5.3); long messages arrive in pieces.
 */
public final class KernelChannel implements WebSocket.Listener, AutoCloseable {
    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final StringBuilder partial = new StringBuilder();
    private final String session = UUID.randomUUID().toString();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private WebSocket socket;
    private String kernelId = "";

    /** Starts a kernel on the user's server through the hub and opens its channels. */
    public static KernelChannel start(HubClient client, String baseUrl, Map<String, String> headers) throws Exception {
        HubClient.Res r = client.api("POST", baseUrl + "api/kernels", "{\"name\":\"python3\"}");
        if (r.status() != 201) {
            throw new AssertionError("starting a kernel answered " + r.status() + ": " + r.body());
        }
        String id = Json.MAPPER.readTree(r.body()).path("id").asString();
        KernelChannel k = open(client, baseUrl + "api/kernels/" + id + "/channels", headers);
        k.kernelId = id;
        return k;
    }

    public static KernelChannel open(HubClient client, String path, Map<String, String> headers) throws Exception {
        KernelChannel k = new KernelChannel();
        k.socket = client.webSocket(path + "?session_id=" + k.session, headers, k);
        return k;
    }

    /** The output of one execution: everything on stdout, and the value of the last expression (text/plain). */
    public record Result(String stdout, String value, String status, Duration roundTrip) {}

    public Result execute(String code, Duration timeout) throws InterruptedException {
        String id = UUID.randomUUID().toString();
        ObjectNode msg = Json.MAPPER.createObjectNode();
        ObjectNode header = msg.putObject("header");
        header.put("msg_id", id).put("username", "test").put("session", session).put("msg_type", "execute_request")
                .put("version", "5.3").put("date", Instant.now().toString());
        msg.putObject("parent_header");
        msg.putObject("metadata");
        msg.putObject("content").put("code", code).put("silent", false).put("store_history", true)
                .put("allow_stdin", false).put("stop_on_error", true).putObject("user_expressions");
        msg.put("channel", "shell");
        msg.putArray("buffers");
        long start = System.nanoTime();
        socket.sendText(msg.toString(), true).join();
        StringBuilder out = new StringBuilder();
        String value = "";
        String status = null;
        boolean idle = false;
        long deadline = System.nanoTime() + timeout.toNanos();
        Duration roundTrip = null;
        while (status == null || !idle) {
            JsonNode m = messages.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no complete answer to " + code.substring(0, Math.min(code.length(), 60)) + " within " + timeout
                        + " (stdout so far: " + out.length() + " chars, closed: " + closed.getNow("no") + ")");
            }
            if (!id.equals(m.path("parent_header").path("msg_id").asString(""))) {
                continue;
            }
            String type = m.path("header").path("msg_type").asString("");
            JsonNode content = m.path("content");
            switch (type) {
                case "stream" -> out.append(content.path("text").asString(""));
                case "execute_result" -> value = content.path("data").path("text/plain").asString("");
                case "execute_reply" -> {
                    status = content.path("status").asString("");
                    roundTrip = Duration.ofNanos(System.nanoTime() - start);
                }
                case "status" -> idle = content.path("execution_state").asString("").equals("idle");
                default -> { }
            }
        }
        return new Result(out.toString(), value, status, roundTrip);
    }

    /** The kernel's id, when this channel started it. */
    public String kernelId() {
        return kernelId;
    }

    /** Completes with "code reason" when the other side closes. */
    public CompletableFuture<String> closed() {
        return closed;
    }

    public WebSocket socket() {
        return socket;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(Json.MAPPER.readTree(partial.toString()));
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
        closed.complete("error " + error);
    }

    @Override
    public void close() {
        if (socket != null && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }
}
