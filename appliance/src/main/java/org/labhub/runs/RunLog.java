package org.labhub.runs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's log: what its container prints, appended to {@code run.log} in the run folder as it comes, and handed
 * line by line to whoever follows it. The file is the record: a follower first gets the complete lines written so
 * far (read back from the file), then each new one. Past {@link #MAX_BYTES} the rest is dropped with a note, so a
 * print loop cannot fill the disk.
 */
public final class RunLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RunLog.class);
    public static final String FILE_NAME = "run.log";
    static final long MAX_BYTES = 64L << 20;

    private final Path file;
    private final FileChannel out;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final List<Consumer<String>> followers = new CopyOnWriteArrayList<>();
    private long written;
    private boolean truncated;
    private boolean closed;

    RunLog(Path file) throws IOException {
        this.file = file;
        this.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /** Appends what the container printed (any bytes; lines are cut at '\n'). */
    synchronized void append(byte[] chunk) {
        if (closed) {
            return;
        }
        if (written + chunk.length > MAX_BYTES) {
            if (!truncated) {
                truncated = true;
                write(("\n[labhub] the log passed " + (MAX_BYTES >> 20) + " MiB; the rest of the output is not kept\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            return;
        }
        write(chunk);
    }

    /** A line from the hub itself (time limit reached, cancelled), marked as such. */
    synchronized void note(String text) {
        if (!closed) {
            if (partial.size() > 0) {
                write(new byte[] {'\n'});
            }
            write(("[labhub] " + text + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private void write(byte[] bytes) {
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                out.write(b);
            }
            written += bytes.length;
        } catch (IOException e) {
            log.warn("writing {} failed: {}", file, e.getMessage());
        }
        int from = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                partial.write(bytes, from, i - from);
                String line = partial.toString(StandardCharsets.UTF_8);
                partial.reset();
                from = i + 1;
                followers.forEach(f -> deliver(f, line));
            }
        }
        partial.write(bytes, from, bytes.length - from);
    }

    private static void deliver(Consumer<String> follower, String line) {
        try {
            follower.accept(line);
        } catch (RuntimeException e) {
            log.debug("a log follower failed: {}", e.toString());
        }
    }

    /** Sends the complete lines so far, then each new one until the log closes; closing the handle stops that. */
    synchronized AutoCloseable follow(Consumer<String> line) {
        for (String past : completeLines(file)) {
            line.accept(past);
        }
        if (closed) {
            return () -> {};
        }
        followers.add(line);
        return () -> followers.remove(line);
    }

    /** The complete lines of a log file (a last line without its newline is still being written, unless the run ended). */
    public static List<String> completeLines(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                return List.of();
            }
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8); // lenient: a notebook may print any bytes
            int end = text.lastIndexOf('\n');
            return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Ends the log: a last line without newline is completed, followers are let go, the file is closed. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (partial.size() > 0) {
            write(new byte[] {'\n'});
        }
        closed = true;
        followers.clear();
        try {
            out.force(true);
            out.close();
        } catch (IOException e) {
            log.warn("closing {} failed: {}", file, e.getMessage());
        }
    }
}
