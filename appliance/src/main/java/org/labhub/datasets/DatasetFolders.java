package org.labhub.datasets;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which host folders may become datasets: an existing folder reached without symbolic links, outside labhub's own
 * data (homes, secrets, the catalog …) except {@code <data>/datasets}, and not a system folder. Checked when an
 * admin registers a folder and again at every server start, since the host may have changed in between.
 */
public final class DatasetFolders {
    /** Never mounted, nor anything inside them: the kernel's, the host's configuration and secrets, container storage. */
    private static final List<Path> SYSTEM_TREES = paths("/proc", "/sys", "/dev", "/run", "/var/run", "/etc", "/boot", "/root",
            "/var/lib/containers", "/var/lib/docker", "/var/cache", "/var/log", "/lost+found");
    /** Never mounted as a whole (they hold everyone's or everything's files), though a folder inside may be. */
    private static final List<Path> SYSTEM_FOLDERS = paths("/", "/usr", "/usr/local", "/usr/share", "/usr/lib", "/usr/bin", "/bin",
            "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/home", "/var", "/var/lib", "/var/tmp", "/tmp", "/srv", "/opt", "/mnt",
            "/media", "/snap");
    /** How many entries the readability check looks at: enough to catch a private folder, cheap on a huge dataset. */
    static final int READABILITY_SAMPLE = 2000;

    private final Path dataRoot;
    private final Path datasets;

    /**
     * @param dataRoot labhub's data root, which no dataset may contain or be inside of (but for {@code datasets})
     * @param datasets {@code <data>/datasets}: the folders inside it are the one part of the data root allowed
     */
    public DatasetFolders(Path dataRoot, Path datasets) {
        this.dataRoot = dataRoot.toAbsolutePath().normalize();
        this.datasets = datasets.toAbsolutePath().normalize();
    }

    /**
     * The folder {@code text} names, if it may be a dataset; otherwise an {@link IllegalArgumentException} saying
     * why, in words an admin can act on.
     */
    public Path check(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("give host_path: the absolute path of a folder on the hub's host, e.g. "
                    + datasets.resolve("climate"));
        }
        String given = text.strip();
        if (!given.startsWith("/")) {
            throw new IllegalArgumentException("host_path must be absolute (start with /), not \"" + given + "\"");
        }
        if (given.length() > 1 && given.endsWith("/")) {
            given = given.replaceAll("/+$", "");
        }
        Path p;
        try {
            p = Path.of(given);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("host_path is not a usable path: " + e.getReason());
        }
        if (!p.normalize().toString().equals(given) || given.contains("//")) {
            throw new IllegalArgumentException("host_path must be normalised, without '.', '..' or '//' (did you mean "
                    + p.normalize() + "?)");
        }
        checkPlace(p, dataRoot);
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("host_path " + p + " does not exist on the hub's host");
        } catch (IOException e) {
            throw new IllegalArgumentException("host_path " + p + " cannot be read by the hub: " + e.getMessage());
        }
        if (a.isSymbolicLink()) {
            throw new IllegalArgumentException("host_path " + p + " is a symbolic link; give the folder itself");
        }
        if (!a.isDirectory()) {
            throw new IllegalArgumentException("host_path " + p + " is not a folder");
        }
        Path real;
        try {
            real = p.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("host_path " + p + " cannot be resolved: " + e.getMessage());
        }
        if (!real.equals(p)) {
            throw new IllegalArgumentException("host_path " + p + " goes through a symbolic link (it is really " + real
                    + "); give the real path");
        }
        try {
            // The data root itself may be reached through a link (/srv/labhub -> /data/labhub): compare with both.
            Path realRoot = dataRoot.toRealPath();
            if (!realRoot.equals(dataRoot)) {
                checkPlace(p, realRoot);
            }
        } catch (IOException e) {
            // no data root on disk (never at run time): the lexical check above stands
        }
        return p;
    }

    private void checkPlace(Path p, Path root) {
        if (root.startsWith(p)) {
            throw new IllegalArgumentException("host_path " + p + " contains labhub's data folder " + dataRoot
                    + " (homes, secrets, the catalog); choose a folder of data instead");
        }
        Path datasetsHere = root.resolve(dataRoot.relativize(datasets));
        if (p.startsWith(root) && !(p.startsWith(datasetsHere) && !p.equals(datasetsHere))) {
            Path part = root.resolve(root.relativize(p).getName(0));
            throw new IllegalArgumentException("host_path " + p + " is inside labhub's own folder " + part
                    + "; of the data folder only folders inside " + datasets + " may be datasets");
        }
        for (Path tree : SYSTEM_TREES) {
            if (p.startsWith(tree)) {
                throw new IllegalArgumentException("host_path " + p + " is inside the system folder " + tree
                        + ", which is never mounted into notebooks");
            }
        }
        if (SYSTEM_FOLDERS.contains(p)) {
            throw new IllegalArgumentException("host_path " + p + " is the system folder " + p
                    + ", too wide to mount into notebooks; choose a folder inside it that holds the data");
        }
    }

    /**
     * Why notebook users, who run under other uids than the files' owner, could not read all of the folder: empty
     * when the folder and a sample of what is inside are readable by others ({@code o+r}, folders also {@code o+x}).
     */
    public Optional<String> unreadable(Path folder) {
        int[] seen = {0};
        int[] closed = {0};
        String[] first = {null};
        try {
            Files.walkFileTree(folder, Set.of(), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                    if (seen[0] >= READABILITY_SAMPLE) {
                        return FileVisitResult.TERMINATE;
                    }
                    return look(d, true) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    look(f, attrs.isDirectory());
                    return seen[0] >= READABILITY_SAMPLE ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                /** Counts {@code p} and whether others may read it; false stops the walk from going inside. */
                private boolean look(Path p, boolean dir) throws IOException {
                    seen[0]++;
                    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isSymbolicLink()) {
                        return false;
                    }
                    Set<PosixFilePermission> perms = a.permissions();
                    boolean ok = perms.contains(PosixFilePermission.OTHERS_READ)
                            && (!dir || perms.contains(PosixFilePermission.OTHERS_EXECUTE));
                    if (!ok) {
                        closed[0]++;
                        if (first[0] == null) {
                            first[0] = p.toString();
                        }
                    }
                    return ok;
                }
            });
        } catch (AccessDeniedException | NoSuchFileException e) {
            return Optional.of("the hub cannot look inside " + folder + " (" + e.getClass().getSimpleName() + ")");
        } catch (IOException e) {
            return Optional.of("the hub cannot look inside " + folder + ": " + e.getMessage());
        }
        if (closed[0] == 0) {
            return Optional.empty();
        }
        String count = closed[0] == 1 ? "1 item" : closed[0] + " items";
        String where = first[0].equals(folder.toString()) ? "the folder itself" : "first: " + first[0];
        return Optional.of("notebooks run as other users and cannot read " + count + " in it (" + where + ")");
    }

    /** The command that makes a folder readable (and its folders searchable) by everyone, quoted for a shell. */
    public static String chmodCommand(Path folder) {
        String p = folder.toString();
        String quoted = p.matches("[A-Za-z0-9/._+,:@%-]+") ? p : "'" + p.replace("'", "'\\''") + "'";
        return "chmod -R o+rX " + quoted;
    }

    private static List<Path> paths(String... names) {
        return java.util.Arrays.stream(names).map(Path::of).toList();
    }
}
