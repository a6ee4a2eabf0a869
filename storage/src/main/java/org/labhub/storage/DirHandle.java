package org.labhub.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.Optional;
import java.util.Set;

/**
 * One open directory, used only by single names (openat, fstatat, renameat, unlinkat), so a link planted on the
 * way to it after it was opened cannot redirect anything done through it. Never follows a link in the name.
 */
final class DirHandle implements Closeable {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    /** Relative to a handle, "." is the handle's own directory (and never a link). */
    private static final Path DOT = Path.of(".");

    private final SecureDirectoryStream<Path> sds;

    private DirHandle(SecureDirectoryStream<Path> sds) {
        this.sds = sds;
    }

    /** Opens a hub-owned directory (homes root, staging, trash) by its absolute path. */
    static DirHandle open(Path hubOwnedDir) throws IOException {
        DirectoryStream<Path> ds = Files.newDirectoryStream(hubOwnedDir);
        if (ds instanceof SecureDirectoryStream<Path> secure) {
            return new DirHandle(secure);
        }
        ds.close();
        throw new IOException("this platform has no SecureDirectoryStream (openat); labhub's file store needs Linux");
    }

    /** The attributes of {@code name} itself (a link is reported as a link), or empty when nothing is there. */
    Optional<BasicFileAttributes> lstat(Path name) throws IOException {
        try {
            return Optional.of(sds.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW).readAttributes());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** The attributes of this directory (fstat on the handle). */
    BasicFileAttributes self() throws IOException {
        return sds.getFileAttributeView(BasicFileAttributeView.class).readAttributes();
    }

    /** Opens the sub-folder {@code name}; {@code SYMLINK}, {@code NOT_FOUND} or {@code NOT_A_DIRECTORY} otherwise. */
    DirHandle openDir(Path name) throws IOException {
        try {
            return new DirHandle(sds.newDirectoryStream(name, NOFOLLOW));
        } catch (IOException e) {
            throw explain(name, e);
        }
    }

    /** Opens the file {@code name} with O_NOFOLLOW (plus {@code options}). */
    FileChannel openFile(Path name, Set<OpenOption> options) throws IOException {
        Set<OpenOption> all = new java.util.HashSet<>(options);
        all.add(NOFOLLOW);
        SeekableByteChannel ch;
        try {
            ch = sds.newByteChannel(name, all);
        } catch (IOException e) {
            throw explain(name, e);
        }
        if (ch instanceof FileChannel fc) {
            return fc;
        }
        ch.close();
        throw new IOException("the JDK did not return a FileChannel for a file opened through a directory handle");
    }

    /** Renames {@code name} here to {@code toName} in {@code to} (renameat; replaces a file or link there). */
    void move(Path name, DirHandle to, Path toName) throws IOException {
        sds.move(name, to.sds, toName);
    }

    void deleteFile(Path name) throws IOException {
        sds.deleteFile(name);
    }

    void deleteDirectory(Path name) throws IOException {
        sds.deleteDirectory(name);
    }

    /** A second handle on this same directory (openat of "."), for a second pass over its names. */
    DirHandle again() throws IOException {
        return new DirHandle(sds.newDirectoryStream(DOT, NOFOLLOW));
    }

    /** The names in this directory, read as they are needed (once per handle: see {@link #again}). */
    Iterator<Path> names() {
        Iterator<Path> it = sds.iterator();
        return new Iterator<>() {
            @Override public boolean hasNext() { return it.hasNext(); }
            @Override public Path next() { return it.next().getFileName(); }
        };
    }

    /** Turns a failed open into the reason a client can hear, by looking at what is there (never following it). */
    private IOException explain(Path name, IOException cause) throws IOException {
        if (cause instanceof FileError) {
            return cause;
        }
        if (cause instanceof java.nio.file.NotDirectoryException) {
            return new FileError(FileError.Reason.NOT_A_DIRECTORY, "\"" + name + "\" is not a folder");
        }
        Optional<BasicFileAttributes> there = lstat(name);
        if (there.isEmpty()) {
            return new FileError(FileError.Reason.NOT_FOUND, "\"" + name + "\" does not exist");
        }
        if (there.get().isSymbolicLink()) {
            return new FileError(FileError.Reason.SYMLINK, "\"" + name + "\" is a symbolic link, which is never followed");
        }
        return cause;
    }

    @Override
    public void close() {
        try {
            sds.close();
        } catch (IOException ignored) {
            // closing a directory descriptor cannot lose data
        }
    }
}
