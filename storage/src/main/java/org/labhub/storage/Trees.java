package org.labhub.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * Whole trees walked through directory handles, one level at a time: sizes, deletion and copies. A link is
 * looked at with {@code lstat} only, never descended into (deleting one removes the link, not its target).
 */
final class Trees {
    /**
     * How deep a walk goes: each level holds one open descriptor and one stack frame, and a container can nest
     * folders without end. Deeper content is not counted by {@link #size}; delete and copy refuse it with an IOException.
     */
    static final int MAX_DEPTH = 256;

    private Trees() {}

    /** Bytes of regular files under {@code name} (or of {@code name} itself); links and special files count 0. */
    static long size(DirHandle parent, Path name) throws IOException {
        return size(parent, name, 0);
    }

    private static long size(DirHandle parent, Path name, int depth) throws IOException {
        Optional<BasicFileAttributes> a = parent.lstat(name);
        if (a.isEmpty()) {
            return 0;
        }
        if (a.get().isRegularFile()) {
            return a.get().size();
        }
        if (!a.get().isDirectory() || depth >= MAX_DEPTH) {
            return 0;
        }
        try (DirHandle d = parent.openDir(name)) {
            return walkSize(d, depth + 1);
        } catch (FileError e) {
            return 0; // swapped for a link or removed since the lstat: nothing of this home to count
        }
    }

    /** Bytes of regular files inside the open folder {@code dir} (read through a second handle, so {@code dir} stays unread). */
    static long contentSize(DirHandle dir) throws IOException {
        try (DirHandle pass = dir.again()) {
            return walkSize(pass, 0);
        }
    }

    private static long walkSize(DirHandle dir, int depth) throws IOException {
        long total = 0;
        for (Iterator<Path> it = dir.names(); it.hasNext(); ) {
            total += size(dir, it.next(), depth);
        }
        return total;
    }

    /** Deletes {@code name} and, for a folder, everything in it, returning the bytes freed; links are removed, never followed. */
    static long delete(DirHandle parent, Path name) throws IOException {
        return delete(parent, name, 0);
    }

    private static long delete(DirHandle parent, Path name, int depth) throws IOException {
        Optional<BasicFileAttributes> a = parent.lstat(name);
        if (a.isEmpty()) {
            return 0;
        }
        if (!a.get().isDirectory()) {
            try {
                parent.deleteFile(name);
            } catch (NoSuchFileException e) {
                return 0;
            }
            return a.get().isRegularFile() ? a.get().size() : 0;
        }
        if (depth >= MAX_DEPTH) {
            throw new IOException("folders are nested more than " + MAX_DEPTH + " deep; not deleted");
        }
        long freed = 0;
        try (DirHandle d = parent.openDir(name)) {
            for (Iterator<Path> it = d.names(); it.hasNext(); ) {
                freed += delete(d, it.next(), depth + 1);
            }
        } catch (FileError e) {
            if (e.reason() == FileError.Reason.SYMLINK) {
                parent.deleteFile(name); // became a link after the lstat: remove the link itself
                return 0;
            }
            if (e.reason() == FileError.Reason.NOT_FOUND) {
                return 0;
            }
            throw e;
        }
        parent.deleteDirectory(name);
        return freed;
    }

    /** Counts bytes copied, and refuses with {@code QUOTA_EXCEEDED} once more than the allowance would be. */
    static final class Budget {
        private final long allowance;
        private long used;

        Budget(long allowance) {
            this.allowance = allowance;
        }

        void take(long bytes) throws FileError {
            if (bytes > allowance - used) {
                throw new FileError(FileError.Reason.QUOTA_EXCEEDED, "the copy does not fit in the quota");
            }
            used += bytes;
        }

        long used() { return used; }
    }

    /**
     * Copies the file {@code name} of {@code parent} to {@code target}, a new file in hub-owned staging, and
     * fsyncs it. The source is read through the handle (O_NOFOLLOW); bytes are counted against {@code budget}.
     */
    static void copyFile(DirHandle parent, Path name, Path target, Budget budget) throws IOException {
        try (FileChannel in = parent.openFile(name, Set.of(StandardOpenOption.READ));
             FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = in.size();
            budget.take(size);
            long pos = 0;
            while (pos < size) {
                long n = in.transferTo(pos, size - pos, out);
                if (n <= 0) {
                    break; // the file shrank meanwhile
                }
                pos += n;
            }
            out.force(true);
        }
    }

    /**
     * Copies what is inside the folder {@code dir} into {@code target} (a folder in hub-owned staging, where plain
     * paths are safe); links and special files are skipped.
     */
    static void copyContent(DirHandle dir, Path target, Budget budget) throws IOException {
        copyContent(dir, target, budget, 0);
    }

    private static void copyContent(DirHandle dir, Path target, Budget budget, int depth) throws IOException {
        if (depth >= MAX_DEPTH) {
            throw new IOException("folders are nested more than " + MAX_DEPTH + " deep; not copied");
        }
        for (Iterator<Path> it = dir.names(); it.hasNext(); ) {
            Path name = it.next();
            Optional<BasicFileAttributes> a = dir.lstat(name);
            if (a.isEmpty()) {
                continue;
            }
            Path to = target.resolve(name);
            try {
                if (a.get().isRegularFile()) {
                    copyFile(dir, name, to, budget);
                } else if (a.get().isDirectory()) {
                    try (DirHandle sub = dir.openDir(name)) {
                        Files.createDirectory(to);
                        copyContent(sub, to, budget, depth + 1);
                    }
                }
            } catch (FileError e) {
                if (e.reason() == FileError.Reason.QUOTA_EXCEEDED) {
                    throw e;
                }
                // swapped for a link or removed since the lstat: skipped like any link
            }
        }
    }
}
