package org.labhub.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;

/**
 * configurable-http-proxy (JupyterHub's proxy), installed by bench/run.sh into bench/target/chp, in front of one
 * notebook server: its default target is the notebook's Unix socket ({@code unix+http://}, supported since 4.6), and
 * it adds the notebook's token to every request with {@code --custom-header}, as the hub adds it. Listens on 127.0.0.1 only.
 */
final class Chp implements AutoCloseable {
    static final String VERSION = "5.3.0";
    private static final Duration MAX_START = Duration.ofSeconds(30);

    private final Process process;
    private final int port;

    private Chp(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The proxy's script under {@code dir}, or null when bench/run.sh could not install it. */
    static Path script(Path dir) {
        Path p = dir.resolve("node_modules/configurable-http-proxy/bin/configurable-http-proxy");
        return Files.isRegularFile(p) ? p : null;
    }

    static Chp start(String node, Path script, Path socket, String token, String statusPath, HttpClient client, Path log)
            throws Exception {
        int port = freePort();
        int apiPort = freePort();
        String target = "unix+http://" + URLEncoder.encode(socket.toString(), StandardCharsets.UTF_8);
        ProcessBuilder pb = new ProcessBuilder(List.of(node, script.toString(), "--ip", "127.0.0.1", "--port", Integer.toString(port),
                "--api-ip", "127.0.0.1", "--api-port", Integer.toString(apiPort), "--default-target", target,
                "--custom-header", "Authorization: token " + token, "--log-level", "warn"))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("CONFIGPROXY_AUTH_TOKEN", HexFormat.of().formatHex(random()));
        Process p = pb.start();
        Chp chp = new Chp(p, port);
        long deadline = System.nanoTime() + MAX_START.toNanos();
        String last = "nothing yet";
        while (System.nanoTime() < deadline && p.isAlive()) {
            try {
                int status = client.newRequest(chp.origin() + statusPath).timeout(5, TimeUnit.SECONDS).send().getStatus();
                if (status == 200) {
                    return chp;
                }
                last = "HTTP " + status;
            } catch (Exception e) {
                last = e.getClass().getSimpleName();
            }
            Thread.sleep(50);
        }
        chp.close();
        throw new IOException("configurable-http-proxy did not pass " + statusPath + " on within " + MAX_START.toSeconds() + " s (last: "
                + last + "); its log: " + Http.abbreviate(Files.readString(log)));
    }

    String origin() {
        return "http://127.0.0.1:" + port;
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** A port the kernel just gave out and took back: a small race, acceptable for a benchmark on loopback. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static byte[] random() {
        byte[] b = new byte[24];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
