package org.labhub.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The readiness check of kernels/README.md without a curl process per try: one {@code GET <base>api/status} with
 * {@code Authorization: token T} over the notebook's Unix socket (the JDK's HTTP client cannot use one).
 */
final class NotebookStatus {
    private NotebookStatus() {}

    /** The HTTP status of one {@code GET <baseUrl>api/status}; IOException when nothing answers within {@code timeout}. */
    static int get(Path socket, String baseUrl, String token, Duration timeout) throws IOException {
        byte[] request = ("GET " + baseUrl + "api/status HTTP/1.1\r\nHost: localhost\r\nAuthorization: token " + token
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX); Selector selector = Selector.open()) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            ByteBuffer in = ByteBuffer.allocate(512);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new IOException("no status line within " + timeout.toMillis() + " ms");
                }
                selector.select(left);
                selector.selectedKeys().clear();
                if (channel.read(in) < 0) {
                    throw new IOException("the notebook closed the connection before answering");
                }
                String head = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
                int eol = head.indexOf("\r\n");
                if (eol >= 0) {
                    String[] parts = head.substring(0, eol).split(" ");
                    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                        throw new IOException("not an HTTP status line: " + head.substring(0, eol));
                    }
                    return Integer.parseInt(parts[1]);
                }
                if (!in.hasRemaining()) {
                    throw new IOException("status line longer than " + in.capacity() + " bytes");
                }
            }
        }
    }

    /** Polls every {@code every} until the notebook answers 200; IOException after {@code max}. */
    static void await(Path socket, String baseUrl, String token, Duration every, Duration max) throws IOException {
        long deadline = System.nanoTime() + max.toNanos();
        String last = "no socket yet";
        while (true) {
            if (Files.exists(socket)) {
                try {
                    int status = get(socket, baseUrl, token, Duration.ofSeconds(2));
                    if (status == 200) {
                        return;
                    }
                    last = "HTTP " + status;
                } catch (IOException e) {
                    last = e.getMessage();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IOException(socket + " did not answer 200 within " + max.toSeconds() + " s (last: " + last + ")");
            }
            Http.sleep(every);
        }
    }
}
