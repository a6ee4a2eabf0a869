package org.labhub.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Each user's home folder under {@code <data>/homes/<name>/}: created with the account, and on deletion
 * kept, handed to another user, or removed, as the admin chose. Never removed implicitly.
 */
public final class Homes {
    /** What happens to a deleted user's files. */
    public enum Disposition { KEEP, TRANSFER, DELETE }

    private final Path root;

    public Homes(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path of(String user) {
        Path p = root.resolve(user).normalize();
        if (!p.getParent().equals(root)) {
            throw new IllegalArgumentException("not a user name: " + user);
        }
        return p;
    }

    public Path create(String user) throws IOException {
        Path home = of(user);
        Files.createDirectories(home);
        AtomicFiles.syncDirectory(root);
        return home;
    }

    public boolean exists(String user) {
        return Files.isDirectory(of(user));
    }

    /**
     * Moves {@code from}'s home into {@code to}'s home as {@code from-<name>-<date>} (one rename, so it is
     * all-or-nothing) and returns where it went.
     */
    public Path transfer(String from, String to) throws IOException {
        Path source = of(from);
        Path targetHome = create(to);
        String base = "from-" + from + "-" + LocalDate.now(ZoneOffset.UTC);
        Path target = targetHome.resolve(base);
        for (int i = 2; Files.exists(target); i++) {
            target = targetHome.resolve(base + "-" + i);
        }
        if (Files.exists(source)) {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
        } else {
            Files.createDirectories(target);
        }
        AtomicFiles.syncDirectory(root);
        AtomicFiles.syncDirectory(targetHome);
        return target;
    }

    /**
     * Keeps a deleted user's files out of reach of any future account with the same name: the home moves
     * (one rename) into {@code retainedRoot} as {@code <name>-<date>}, where an admin can still find it.
     */
    public Path retain(String user, Path retainedRoot) throws IOException {
        Path source = of(user);
        Files.createDirectories(retainedRoot);
        String base = user + "-" + LocalDate.now(ZoneOffset.UTC);
        Path target = retainedRoot.resolve(base);
        for (int i = 2; Files.exists(target); i++) {
            target = retainedRoot.resolve(base + "-" + i);
        }
        if (Files.exists(source)) {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(root);
        } else {
            Files.createDirectories(target);
        }
        AtomicFiles.syncDirectory(retainedRoot);
        return target;
    }

    /**
     * Deletes a home. It is first renamed out of the way (atomic), so a crash midway leaves no half-deleted
     * home under the user's name, only a {@code .deleting-*} folder that the next call clears.
     */
    public void delete(String user) throws IOException {
        Path home = of(user);
        if (!Files.exists(home)) {
            return;
        }
        Path doomed = root.resolve(".deleting-" + user + "-" + System.nanoTime());
        Files.move(home, doomed, StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.syncDirectory(root);
        FileTrees.delete(doomed);
    }
}
