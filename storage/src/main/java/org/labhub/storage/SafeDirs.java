package org.labhub.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The only way into a home: opens {@code <homes>/<owner>} and then each name of a {@link RelPath} through the
 * previous handle with O_NOFOLLOW, so a symbolic link at any segment is refused, even one planted mid-walk.
 */
final class SafeDirs {
    private final Path homes;
    private final FileSystem fs;

    SafeDirs(Path homes) {
        this.homes = homes;
        this.fs = homes.getFileSystem();
    }

    /** One name as a relative path for the handle calls. */
    Path name(String name) {
        return fs.getPath(RelPath.checkName(name));
    }

    /** The owner's home folder; {@code NOT_FOUND} if it does not exist. */
    DirHandle home(String owner) throws IOException {
        try (DirHandle root = DirHandle.open(homes)) {
            return root.openDir(name(owner));
        }
    }

    /** The folder at {@code at}; {@code NOT_FOUND}, {@code SYMLINK} or {@code NOT_A_DIRECTORY} otherwise. */
    DirHandle folder(Location at) throws IOException {
        try (Parent p = parentOf(at.owner(), at.path(), false)) {
            return p.dir.openDir(p.name);
        } catch (FileError e) {
            if (e.reason() == FileError.Reason.PARENT_MISSING) {
                throw new FileError(FileError.Reason.NOT_FOUND, at + " does not exist");
            }
            throw e;
        }
    }

    /** An open handle on the folder that holds {@code at}, plus its last name; {@code PARENT_MISSING} without one. */
    Parent parent(Location at) throws IOException {
        if (at.path().isRoot()) {
            throw new IllegalArgumentException("the home itself has no parent folder: " + at);
        }
        return parentOf(at.owner(), at.path(), true);
    }

    private Parent parentOf(String owner, RelPath path, boolean missingParentIsError) throws IOException {
        DirHandle above = null;
        DirHandle dir = DirHandle.open(homes);
        Path dirName = null;
        if (path.isRoot()) {
            // the home itself, seen from the homes root (hub-owned)
            return new Parent(null, null, dir, name(owner));
        }
        try {
            List<String> walk = new ArrayList<>();
            walk.add(owner);
            walk.addAll(path.parent().names());
            for (String n : walk) {
                DirHandle next;
                try {
                    next = dir.openDir(name(n));
                } catch (FileError e) {
                    boolean missing = e.reason() == FileError.Reason.NOT_FOUND && missingParentIsError && above != null;
                    throw missing ? new FileError(FileError.Reason.PARENT_MISSING,
                            "the folder \"" + n + "\" of " + owner + ":/" + path + " does not exist") : e;
                }
                if (above != null) {
                    above.close();
                }
                above = dir;
                dir = next;
                dirName = name(n);
            }
            Parent p = new Parent(above, dirName, dir, name(path.name()));
            above = null;
            dir = null;
            return p;
        } finally {
            if (above != null) {
                above.close();
            }
            if (dir != null) {
                dir.close();
            }
        }
    }

    /** The folder holding an item (open) and the item's name in it; closes the handles it holds. */
    static final class Parent implements Closeable {
        /** The folder above {@link #dir} and the name of {@code dir} in it, kept only to fsync {@code dir}. */
        private final DirHandle above;
        private final Path dirName;
        final DirHandle dir;
        final Path name;

        private Parent(DirHandle above, Path dirName, DirHandle dir, Path name) {
            this.above = above;
            this.dirName = dirName;
            this.dir = dir;
            this.name = name;
        }

        /**
         * Makes a rename in {@link #dir} durable. A directory handle cannot be fsynced through the JDK, so the same
         * folder is opened read-only through the folder above (O_NOFOLLOW), checked to be the same inode, and
         * fsynced. If a container swapped it meanwhile, only durability is lost (ext4 commits the rename with its
         * journal within seconds), never safety: nothing is written through that descriptor.
         */
        void syncFolder() throws IOException {
            if (above == null) {
                return;
            }
            Object key = dir.self().fileKey();
            try (FileChannel ch = above.openFile(dirName, Set.of(StandardOpenOption.READ))) {
                var now = above.lstat(dirName);
                if (now.isPresent() && key != null && key.equals(now.get().fileKey())) {
                    ch.force(true);
                }
            } catch (FileError e) {
                // the folder was replaced by a link or removed after the rename: nothing of ours to sync
            }
        }

        @Override
        public void close() {
            dir.close();
            if (above != null) {
                above.close();
            }
        }
    }
}
