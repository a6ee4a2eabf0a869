package org.labhub.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.UUID;

/**
 * One copy: the source is read through handles (links skipped), the copy is built complete in staging, and only
 * then renamed into the target folder, so a refused or failed copy leaves nothing partial in any home.
 */
final class TreeCopy {
    /** Bytes an owner may still add, counting {@code credit} bytes that the write replaces. */
    interface Allowance {
        long of(String owner, long credit) throws IOException;
    }

    private final SafeDirs dirs;
    private final Path staging;
    private final UsageLedger ledger;
    private final Allowance allowance;

    TreeCopy(SafeDirs dirs, Path staging, UsageLedger ledger, Allowance allowance) {
        this.dirs = dirs;
        this.staging = staging;
        this.ledger = ledger;
        this.allowance = allowance;
    }

    void copy(Location from, Location to, boolean overwrite, boolean recursive) throws IOException {
        if (to.path().isRoot()) {
            throw new FileError(FileError.Reason.EXISTS, "the home folder exists");
        }
        boolean sameOwner = from.owner().equals(to.owner());
        if (sameOwner && from.path().equals(to.path())) {
            throw new FileError(FileError.Reason.INTO_ITSELF, from + " cannot be copied onto itself");
        }
        SafeDirs.Parent src = null;
        DirHandle srcDir = null;
        try {
            boolean folder;
            if (from.path().isRoot()) {
                srcDir = dirs.home(from.owner());
                folder = true;
            } else {
                src = dirs.parent(from);
                BasicFileAttributes a = src.dir.lstat(src.name)
                        .orElseThrow(() -> new FileError(FileError.Reason.NOT_FOUND, from + " does not exist"));
                if (a.isSymbolicLink()) {
                    throw new FileError(FileError.Reason.SYMLINK, from + " is a symbolic link, which is never followed");
                }
                if (!a.isDirectory() && !a.isRegularFile()) {
                    throw new FileError(FileError.Reason.NOT_FOUND, from + " is not a regular file");
                }
                folder = a.isDirectory();
                if (folder) {
                    srcDir = src.dir.openDir(src.name);
                }
            }
            if (folder && recursive && sameOwner && to.path().startsWith(from.path())) {
                throw new FileError(FileError.Reason.INTO_ITSELF, from + " cannot be copied into itself");
            }
            try (SafeDirs.Parent dst = dirs.parent(to)) {
                into(dst, to, overwrite, src, srcDir, folder && recursive);
            }
        } catch (FileError e) {
            if (e.reason() == FileError.Reason.PARENT_MISSING && src == null && srcDir == null) {
                throw new FileError(FileError.Reason.NOT_FOUND, from + " does not exist");
            }
            throw e;
        } finally {
            if (srcDir != null) {
                srcDir.close();
            }
            if (src != null) {
                src.close();
            }
        }
    }

    private void into(SafeDirs.Parent dst, Location to, boolean overwrite, SafeDirs.Parent src, DirHandle srcDir,
                      boolean withContent) throws IOException {
        Optional<BasicFileAttributes> there = dst.dir.lstat(dst.name);
        if (there.isPresent() && !overwrite) {
            throw new FileError(FileError.Reason.EXISTS, to + " already exists");
        }
        long size = srcDir == null ? src.dir.lstat(src.name).map(BasicFileAttributes::size).orElse(0L)
                : withContent ? Trees.contentSize(srcDir) : 0;
        long replaced = there.isPresent() ? Trees.size(dst.dir, dst.name) : 0;
        long may = allowance.of(to.owner(), replaced);
        if (size > may) {
            throw new FileError(FileError.Reason.QUOTA_EXCEEDED, "the copy does not fit in the quota of " + to.owner());
        }
        Path tmp = dirs.name("c-" + UUID.randomUUID());
        Path built = staging.resolve(tmp);
        Trees.Budget budget = new Trees.Budget(may);
        try (DirHandle st = DirHandle.open(staging)) {
            if (srcDir == null) {
                Trees.copyFile(src.dir, src.name, built, budget);
            } else {
                Files.createDirectory(built);
                if (withContent) {
                    Trees.copyContent(srcDir, built, budget);
                }
                AtomicFiles.syncDirectory(built);
            }
            if (there.isPresent()) {
                ledger.add(to.owner(), -Trees.delete(dst.dir, dst.name), 0);
            }
            st.move(tmp, dst.dir, dst.name);
            dst.syncFolder();
            ledger.add(to.owner(), budget.used(), 0);
        } finally {
            FileTrees.delete(built); // hub-owned staging: nothing left after a refusal or failure
        }
    }
}
