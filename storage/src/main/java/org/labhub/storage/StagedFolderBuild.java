package org.labhub.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A {@link FolderBuild} under {@code <data>/staging}: the hub's own folder, so plain paths made of checked
 * {@link RelPath} names are safe there; only the final rename touches the home, through a held parent handle.
 */
final class StagedFolderBuild implements FolderBuild {
    private static final int BUFFER = 64 * 1024;

    private final Location target;
    private final SafeDirs dirs;
    private final Path staging;
    private final Path tmp;
    private final Path root;
    private final Trees.Budget budget;
    private final long allowance;
    private final UsageLedger ledger;
    private final FileOwners owners;
    private final List<Path> folders = new ArrayList<>();
    private boolean committed;
    private boolean closed;

    StagedFolderBuild(Location target, SafeDirs dirs, Path staging, long allowance, UsageLedger ledger, FileOwners owners)
            throws IOException {
        this.target = target;
        this.dirs = dirs;
        this.staging = staging;
        this.allowance = allowance;
        this.budget = new Trees.Budget(allowance);
        this.ledger = ledger;
        this.owners = owners;
        this.tmp = dirs.name("x-" + UUID.randomUUID());
        this.root = staging.resolve(tmp);
        Files.createDirectory(root);
        folders.add(root);
    }

    private Path at(RelPath path) {
        if (path.isRoot()) {
            throw new IllegalArgumentException("the build's own folder is made already");
        }
        Path p = root;
        for (String name : path.names()) {
            p = p.resolve(dirs.name(name));
        }
        return p;
    }

    @Override
    public void mkdir(RelPath folder) throws IOException {
        ensureOpen();
        Path p = at(folder);
        try {
            Files.createDirectory(p);
        } catch (FileAlreadyExistsException e) {
            throw new FileError(FileError.Reason.EXISTS, "\"" + folder + "\" is there already");
        } catch (NoSuchFileException e) {
            throw new FileError(FileError.Reason.PARENT_MISSING, "the folder of \"" + folder + "\" is missing");
        }
        folders.add(p);
    }

    @Override
    public long write(RelPath file, InputStream in) throws IOException {
        ensureOpen();
        Path p = at(file);
        FileChannel out;
        try {
            out = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (FileAlreadyExistsException e) {
            throw new FileError(FileError.Reason.EXISTS, "\"" + file + "\" is there already");
        } catch (NoSuchFileException e) {
            throw new FileError(FileError.Reason.PARENT_MISSING, "the folder of \"" + file + "\" is missing");
        }
        long size = 0;
        try (out) {
            byte[] buf = new byte[BUFFER];
            for (int n; (n = in.read(buf)) > 0; ) {
                try {
                    budget.take(n);
                } catch (FileError e) {
                    throw new FileError(FileError.Reason.QUOTA_EXCEEDED, "\"" + file + "\" passes the quota of " + target.owner()
                            + ": more than " + allowance + " bytes free were needed");
                }
                ByteBuffer b = ByteBuffer.wrap(buf, 0, n);
                while (b.hasRemaining()) {
                    out.write(b);
                }
                size += n;
            }
            out.force(true);
        }
        return size;
    }

    @Override
    public long bytesWritten() {
        return budget.used();
    }

    @Override
    public long allowance() {
        return allowance;
    }

    @Override
    public Entry commit() throws IOException {
        ensureOpen();
        try {
            for (int i = folders.size() - 1; i >= 0; i--) {
                AtomicFiles.syncDirectory(folders.get(i));
            }
            owners.give(root, target.owner());
            try (SafeDirs.Parent p = dirs.parent(target); DirHandle st = DirHandle.open(staging)) {
                if (p.dir.lstat(p.name).isPresent()) {
                    throw new FileError(FileError.Reason.EXISTS, target + " already exists");
                }
                st.move(tmp, p.dir, p.name);
                committed = true;
                p.syncFolder();
                ledger.add(target.owner(), budget.used(), 0);
                return p.dir.lstat(p.name).map(a -> Entries.of(p.name.toString(), a))
                        .orElseThrow(() -> new FileError(FileError.Reason.NOT_FOUND, target + " was removed right after it was made"));
            }
        } finally {
            close();
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the build of " + target + " is already closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!committed) {
            try {
                FileTrees.delete(root);
            } catch (IOException ignored) {
                // cleared at the next start
            }
        }
    }
}
