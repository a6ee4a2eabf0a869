package org.labhub.podman;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells which container the kernel's OOM killer struck, from the kernel log ({@code /dev/kmsg}, readable by root),
 * because Podman 4.3.1 does not: its {@code OOMKilled} stays false on these hosts (docs/adr/0008). It also sees
 * a kill of any process in a container, such as a notebook's kernel, not only of the container's main process.
 */
public final class OomWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OomWatcher.class);
    private static final Path KMSG = Path.of("/dev/kmsg");
    /** The kernel's summary line of one OOM kill, e.g. {@code oom-kill:…,task_memcg=/libpod_parent/libpod-<id>,task=sh,pid=8836,uid=0}. */
    private static final Pattern KILL = Pattern.compile(
            "oom-kill:.*task_memcg=[^,]*libpod-(?:conmon-)?([0-9a-f]{64})[^,]*,task=([^,]*),pid=(\\d+)");

    /** One process the OOM killer ended, in the container with this id. */
    public record OomKill(String containerId, String task, long pid, Instant seenAt) {}

    private final FileChannel kmsg;
    private final Thread reader;

    private OomWatcher(FileChannel kmsg, Consumer<OomKill> listener, long sinceMicros) {
        this.kmsg = kmsg;
        this.reader = new Thread(() -> read(listener, sinceMicros), "oom-watcher");
        this.reader.setDaemon(true);
    }

    /**
     * Follows the kernel log from now on. Fails if it cannot be read (not root, or no {@code /dev/kmsg} in this
     * environment); then an exit code of 137 is the only hint of an OOM kill.
     */
    public static OomWatcher start(Consumer<OomKill> listener) throws IOException {
        // Opening /dev/kmsg starts at the oldest record it still holds; older kills than this moment are not news.
        long now = uptimeMicros();
        OomWatcher w = new OomWatcher(FileChannel.open(KMSG), listener, now);
        w.reader.start();
        return w;
    }

    private void read(Consumer<OomKill> listener, long sinceMicros) {
        ByteBuffer buffer = ByteBuffer.allocate(8192); // each read returns one record; /dev/kmsg refuses smaller buffers
        while (true) {
            buffer.clear();
            try {
                if (kmsg.read(buffer) < 0) {
                    return;
                }
            } catch (ClosedChannelException closed) { // also ClosedByInterruptException, from close()
                return;
            } catch (IOException e) {
                // EPIPE: records were overwritten before we read them; reading goes on with the next one
                continue;
            }
            buffer.flip();
            String record = StandardCharsets.UTF_8.decode(buffer).toString();
            parse(record, sinceMicros).ifPresent(kill -> {
                try {
                    listener.accept(kill);
                } catch (RuntimeException e) {
                    log.error("OOM listener failed for container {}", kill.containerId(), e);
                }
            });
        }
    }

    /** The kill a kernel log record describes, if it is one logged after {@code sinceMicros} (time since boot). */
    static Optional<OomKill> parse(String record, long sinceMicros) {
        int semicolon = record.indexOf(';');
        if (semicolon < 0) {
            return Optional.empty();
        }
        String[] prefix = record.substring(0, semicolon).split(",");
        Matcher m = KILL.matcher(record.substring(semicolon + 1));
        if (prefix.length < 3 || !m.find()) {
            return Optional.empty();
        }
        try {
            if (Long.parseLong(prefix[2]) < sinceMicros) {
                return Optional.empty();
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(new OomKill(m.group(1), m.group(2), Long.parseLong(m.group(3)), Instant.now()));
    }

    private static long uptimeMicros() throws IOException {
        String seconds = Files.readString(Path.of("/proc/uptime")).split("\\s+")[0];
        return (long) (Double.parseDouble(seconds) * 1_000_000);
    }

    @Override
    public void close() {
        reader.interrupt(); // closes the channel and wakes the blocked read
        try {
            kmsg.close();
            reader.join(2000);
        } catch (IOException e) {
            // closing a character device only releases the descriptor
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
