package org.labhub.catalog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An exclusive OS lock on {@code <data>/labhub.lock}, held for the life of the hub.
 * The kernel drops it when the process dies, even by {@code kill -9}, so a crash never leaves a stale lock.
 */
public final class DataRootLock implements AutoCloseable {
    /**
     * Lock files held by this JVM. The OS lock belongs to the process, and closing any channel on the file drops it,
     * so a refused second acquire in this JVM must be answered from here, without opening the file.
     */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;

    private DataRootLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    public static DataRootLock acquire(Path lockFile) {
        Path key;
        try {
            Files.createDirectories(lockFile.getParent());
            key = lockFile.getParent().toRealPath().resolve(lockFile.getFileName());
        } catch (IOException e) {
            throw new DataRootInUseException("cannot lock the data root " + lockFile.getParent() + ": " + e.getMessage());
        }
        if (!HELD_HERE.add(key)) {
            throw new DataRootInUseException("another labhub hub in this process (pid " + ProcessHandle.current().pid()
                    + ") is using the data root " + lockFile.getParent() + "; stop it first (or use another --data folder)");
        }
        try {
            return lock(lockFile, key);
        } catch (RuntimeException e) {
            HELD_HERE.remove(key);
            throw e;
        }
    }

    private static DataRootLock lock(Path lockFile, Path key) {
        try {
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = readHolder(channel);
                channel.close();
                throw new DataRootInUseException("another labhub process" + holder + " is using the data root "
                        + lockFile.getParent() + "; stop it first (or use another --data folder)");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(true);
            return new DataRootLock(key, channel, lock);
        } catch (IOException e) {
            throw new DataRootInUseException("cannot lock the data root " + lockFile.getParent() + ": " + e.getMessage());
        }
    }

    private static String readHolder(FileChannel channel) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(32);
        channel.read(buf, 0);
        String pid = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).trim();
        return pid.matches("\\d+") ? " (pid " + pid + ")" : "";
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            HELD_HERE.remove(key);
        }
    }

    /** Thrown when a data root is already served by a live hub. */
    public static final class DataRootInUseException extends RuntimeException {
        public DataRootInUseException(String message) {
            super(message);
        }
    }
}
