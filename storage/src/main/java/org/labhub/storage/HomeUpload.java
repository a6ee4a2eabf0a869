package org.labhub.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An upload into a staging file, renamed into the held parent folder on commit (renameat, so a link planted at the
 * target is replaced, never written through). Refused with {@code QUOTA_EXCEEDED} the moment it would not fit.
 */
final class HomeUpload implements Upload {
    /**
     * A large upload is flushed to disk while it is still arriving (fdatasync on a helper thread every 32 MiB), so
     * the fsync that {@link #commit} must make finds little left to write instead of the whole file: the disk
     * works while the network does. It changes when the bytes reach the disk, never whether commit waits for them.
     */
    static final long FLUSH_EVERY = 32L << 20;
    private static final ExecutorService FLUSHER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "upload-flush");
        t.setDaemon(true);
        return t;
    });

    private final Location target;
    private final SafeDirs.Parent parent;
    private final DirHandle staging;
    private final Path tmp;
    private final FileChannel channel;
    private final long allowance;
    private final UsageLedger usage;
    private final Handover handover;
    private long written;
    /** How much was written when the last early flush started, and that flush (null before the first). */
    private long flushedUpTo;
    private Future<?> flushing;
    private boolean committed;
    private boolean closed;

    HomeUpload(Location target, SafeDirs.Parent parent, DirHandle staging, Path tmp, FileChannel channel,
               long allowance, UsageLedger usage, Handover handover) {
        this.handover = handover;
        this.target = target;
        this.parent = parent;
        this.staging = staging;
        this.tmp = tmp;
        this.channel = channel;
        this.allowance = allowance;
        this.usage = usage;
    }

    @Override
    public void write(ByteBuffer bytes) throws IOException {
        ensureOpen();
        if (bytes.remaining() > allowance - written) {
            close();
            throw new FileError(FileError.Reason.QUOTA_EXCEEDED, "the upload to " + target + " does not fit in the quota");
        }
        while (bytes.hasRemaining()) {
            written += channel.write(bytes);
        }
        if (written - flushedUpTo >= FLUSH_EVERY && (flushing == null || flushing.isDone())) {
            checkFlush();
            flushedUpTo = written;
            flushing = FLUSHER.submit(() -> {
                channel.force(false);
                return null;
            });
        }
    }

    /** Throws what the last early flush failed with: Linux reports a failed writeback once, so it must not be lost. */
    private void checkFlush() throws IOException {
        if (flushing == null) {
            return;
        }
        try {
            flushing.get();
        } catch (ExecutionException e) {
            close();
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new java.io.InterruptedIOException("interrupted while the upload to " + target + " was flushed");
        }
    }

    @Override
    public long bytesWritten() {
        return written;
    }

    @Override
    public Entry commit(boolean overwrite) throws IOException {
        ensureOpen();
        try {
            checkFlush();
            channel.force(true);
            Optional<BasicFileAttributes> there = parent.dir.lstat(parent.name);
            long replaced = 0;
            if (there.isPresent()) {
                if (there.get().isDirectory()) {
                    throw new FileError(FileError.Reason.IS_A_DIRECTORY, target + " is a folder");
                }
                if (!overwrite) {
                    throw new FileError(FileError.Reason.EXISTS, target + " already exists");
                }
                replaced = there.get().isRegularFile() ? there.get().size() : 0;
            }
            handover.run();
            staging.move(tmp, parent.dir, parent.name);
            committed = true;
            parent.syncFolder();
            usage.add(target.owner(), written - replaced, 0);
            return parent.dir.lstat(parent.name).map(a -> Entries.of(parent.name.toString(), a))
                    .orElseThrow(() -> new FileError(FileError.Reason.NOT_FOUND, target + " was removed right after the upload"));
        } finally {
            close();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the upload to " + target + " is already closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was committed through it, or it was forced before the rename
        }
        if (!committed) {
            try {
                staging.deleteFile(tmp);
            } catch (IOException ignored) {
                // cleared at the next start
            }
        }
        staging.close();
        parent.close();
    }

    /** What is done to the staged file just before it is renamed into the home (giving it to the owner's uid). */
    @FunctionalInterface
    interface Handover {
        void run() throws IOException;
    }
}
