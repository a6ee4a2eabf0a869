package org.labhub.storage;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.OptionalLong;

/**
 * Which host uid owns a user's files: their container's uid (ADR 9), so that what the hub writes into a home
 * (uploads, WebDAV, copies, new folders) stays writable from the user's notebook. Empty means: leave files to
 * whoever the hub runs as (tests without user ranges, a hub that is not root).
 */
@FunctionalInterface
public interface FileOwners {
    OptionalLong uidOf(String owner);

    FileOwners NONE = owner -> OptionalLong.empty();

    /**
     * Gives an item in staging, and everything in it, to the owner's uid and gid before it is renamed into the
     * home. Staging is the hub's own folder, so walking it by path is safe; links in it are not followed.
     */
    default void give(Path staged, String owner) throws IOException {
        OptionalLong uid = uidOf(owner);
        if (uid.isEmpty()) {
            return;
        }
        int id = (int) uid.getAsLong();
        Files.walkFileTree(staged, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                set(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                set(file);
                return FileVisitResult.CONTINUE;
            }

            private void set(Path p) throws IOException {
                Files.setAttribute(p, "unix:uid", id, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(p, "unix:gid", id, LinkOption.NOFOLLOW_LINKS);
            }
        });
    }
}
