package org.labhub.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.labhub.auth.Secrets;
import org.labhub.storage.FileError;
import org.labhub.storage.FileStore;
import org.labhub.storage.FileTrees;
import org.labhub.storage.Location;
import org.labhub.storage.Usage;

/**
 * Uploads sent in pieces, so that a large file interrupted half way continues from where it stopped. The pieces
 * collect in a hub-only folder outside every home (the home, which a container owns, is never written until the
 * end); on commit the whole goes through {@link FileStore#upload} like any upload. Bytes held here count against
 * the owner's quota as they arrive, so pieces cannot bypass it; an upload left alone for a day is removed.
 */
final class UploadSessions {
    static final Duration EXPIRY = Duration.ofHours(24);

    /** One upload in progress: who started it, where it goes, and how many bytes have arrived. */
    static final class Session {
        final String id;
        final String caller;
        final Location target;
        final long expectedBytes;
        final Path file;
        volatile long offset;
        volatile Instant touched;
        boolean busy;

        Session(String id, String caller, Location target, long expectedBytes, Path file, Instant now) {
            this.id = id;
            this.caller = caller;
            this.target = target;
            this.expectedBytes = expectedBytes;
            this.file = file;
            this.touched = now;
        }
    }

    private final Path dir;
    private final FileStore files;
    private final Clock clock;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    /** Clears what a previous run left: sessions live in memory, so their pieces cannot be continued after a restart. */
    UploadSessions(Path dir, FileStore files, Clock clock) throws IOException {
        this.dir = dir;
        this.files = files;
        this.clock = clock;
        if (Files.exists(dir)) {
            FileTrees.delete(dir);
        }
        Files.createDirectories(dir);
    }

    Session start(String caller, Location target, long expectedBytes) throws IOException {
        expire();
        if (expectedBytes > 0) {
            checkQuota(target.owner(), expectedBytes);
        }
        String id = Secrets.randomToken(18);
        Path file = dir.resolve(id);
        Files.createFile(file);
        Session s = new Session(id, caller, target, expectedBytes, file, clock.instant());
        sessions.put(id, s);
        return s;
    }

    /** The caller's session, or empty (someone else's is as absent as an unknown one). */
    Optional<Session> find(String caller, String id) {
        expire();
        return Optional.ofNullable(sessions.get(id)).filter(s -> s.caller.equals(caller));
    }

    /**
     * Appends the body at {@code offset}, which must be where the last piece ended. Quota is checked before each
     * buffer is written; what arrived before a failure stays, and the client continues from {@link Session#offset}.
     */
    void append(Session s, long offset, InputStream body) throws IOException {
        synchronized (s) {
            if (s.busy) {
                throw new IllegalStateException("busy");
            }
            s.busy = true;
        }
        try (FileChannel out = FileChannel.open(s.file, StandardOpenOption.WRITE)) {
            if (offset != s.offset) {
                throw new OffsetMismatch(s.offset);
            }
            // Usage and the quota are read once per piece (a catalog lookup), then the piece's bytes are counted here.
            long allowance = allowance(s.target.owner());
            byte[] buf = new byte[64 * 1024];
            long pos = offset;
            try {
                for (int n; (n = body.read(buf)) > 0; ) {
                    if (n > allowance - (pos - offset)) {
                        throw quotaExceeded(s.target.owner());
                    }
                    ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                    while (b.hasRemaining()) {
                        pos += out.write(b, pos);
                    }
                    s.offset = pos;
                }
            } finally {
                out.truncate(s.offset);
                s.touched = clock.instant();
            }
        } finally {
            synchronized (s) {
                s.busy = false;
            }
        }
    }

    /** Refuses {@code more} bytes if the owner's home, trash and pending uploads would pass the quota. */
    private void checkQuota(String owner, long more) throws IOException {
        if (more > allowance(owner)) {
            throw quotaExceeded(owner);
        }
    }

    /** Bytes the owner may still add, counting their home, trash and the pieces of unfinished uploads. */
    private long allowance(String owner) throws IOException {
        Usage u = files.usage(owner);
        if (u.unlimited()) {
            return Long.MAX_VALUE;
        }
        long pending = sessions.values().stream().filter(x -> x.target.owner().equals(owner)).mapToLong(x -> x.offset).sum();
        return u.limitBytes() - u.usedBytes() - pending;
    }

    private static FileError quotaExceeded(String owner) {
        return new FileError(FileError.Reason.QUOTA_EXCEEDED, "this upload would exceed " + owner + "'s quota");
    }

    Path bytesOf(Session s) {
        return s.file;
    }

    void remove(Session s) {
        sessions.remove(s.id);
        try {
            Files.deleteIfExists(s.file);
        } catch (IOException ignored) {
            // removed with the folder at the next start
        }
    }

    private void expire() {
        Instant cutoff = clock.instant().minus(EXPIRY);
        for (Iterator<Session> it = sessions.values().iterator(); it.hasNext(); ) {
            Session s = it.next();
            if (s.touched.isBefore(cutoff) && !s.busy) {
                remove(s);
            }
        }
    }

    /** A piece sent for the wrong place: the client should continue from {@code expected}. */
    static final class OffsetMismatch extends IOException {
        final long expected;

        OffsetMismatch(long expected) {
            super("the upload continues at byte " + expected);
            this.expected = expected;
        }
    }
}
