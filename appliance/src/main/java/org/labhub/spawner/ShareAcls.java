package org.labhub.spawner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.labhub.files.Permission;
import org.labhub.files.ShareLookup;
import org.labhub.shares.Shares;
import org.labhub.storage.HostIds;
import org.labhub.storage.RelPath;
import org.labhub.users.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The POSIX ACL entries that let a recipient's container (its own host uid, docs/adr/0009) reach items shared with
 * them, computed from the shares that reach them now. {@link SharedFolders} applies them at each server start; when a
 * share is revoked or narrowed, {@link #narrowed} recomputes them from the grants that remain, so a running container
 * loses access at once (another share of the same item, or of a folder above it, keeps what it gives). Every
 * {@code setfacl} runs with {@code -P}: it never follows a link, neither the one named nor any met while recursing.
 */
public final class ShareAcls implements Shares.Narrowing {
    private static final Logger log = LoggerFactory.getLogger(ShareAcls.class);
    /** How long a revocation waits for the top-level item's entries before answering anyway (and logging). */
    private static final long TOP_LEVEL_WAIT_SECONDS = 30;

    /** What the recipient's uid may do at one place: nothing, pass through (x) to a share below, read, or write. */
    enum Level {
        NONE, TRAVERSE, READ, WRITE;

        String dirRights() { return this == WRITE ? "rwX" : "rX"; }
        String fileRights() { return this == WRITE ? "rw" : "r"; }
    }

    private final Path homes;
    private final ShareLookup shares;
    private final UserStore users;
    /** One thread: the steps for one change run in order, and each computes from the grants as they are when it runs. */
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "share-acls");
        t.setDaemon(true);
        return t;
    });

    public ShareAcls(Path homes, ShareLookup shares, UserStore users) {
        this.homes = homes.toAbsolutePath().normalize();
        this.shares = shares;
        this.users = users;
    }

    /**
     * Grants {@code uid} what {@code level} says on the item (recursively, with default entries so new files inherit
     * them) and {@code x} on the folders above it. {@code source} is the item's checked host path.
     */
    void grant(String owner, RelPath path, Path source, long uid, Level level) throws IOException {
        Path p = homes.resolve(owner);
        for (int i = 0; i < path.depth(); i++) {
            setfacl(p, false, "-m", "u:" + uid + ":x");
            p = p.resolve(path.names().get(i));
        }
        if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            setfacl(source, true, "-m", "u:" + uid + ":" + level.dirRights() + ",d:u:" + uid + ":" + level.dirRights());
        } else {
            setfacl(source, false, "-m", "u:" + uid + ":" + level.fileRights());
        }
    }

    /**
     * Shares into {@code owner}'s home lost recipients or permissions. Before this returns, each recipient's entries on
     * the items themselves and the folders above them match what remains (so a container can no longer enter a
     * revoked folder or write a downgraded one); what lies deeper in a folder is corrected on a background thread.
     */
    @Override
    public void narrowed(String owner, Set<RelPath> items, Set<String> recipients) {
        List<Runnable> deep = new ArrayList<>();
        Future<?> top = worker.submit(() -> {
            for (String user : recipients) {
                Optional<Long> uid = users.byName(user).map(u -> HostIds.owner(u.id()));
                if (uid.isEmpty()) {
                    continue; // an account deleted meanwhile: its containers are gone with it
                }
                for (RelPath item : items) {
                    run(user, owner, item, () -> resyncTop(user, uid.get(), owner, item));
                    deep.add(() -> run(user, owner, item, () -> resyncDeep(user, uid.get(), owner, item)));
                }
            }
        });
        try {
            top.get(TOP_LEVEL_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.atWarn().addKeyValue("owner", owner).log("share ACLs not yet corrected: {}", String.valueOf(e));
        }
        worker.submit(() -> deep.forEach(Runnable::run));
    }

    /** Waits until the background corrections submitted so far are done (tests; shutdown). */
    public boolean awaitIdle(long seconds) throws InterruptedException {
        try {
            worker.submit(() -> {}).get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    public void close() {
        worker.shutdownNow();
    }

    private interface Step {
        void run() throws IOException;
    }

    private static void run(String user, String owner, RelPath item, Step step) {
        try {
            step.run();
        } catch (IOException | RuntimeException e) {
            log.atWarn().addKeyValue("user", user).addKeyValue("owner", owner).addKeyValue("path", item)
                    .log("could not correct share ACLs: {}", e.getMessage());
        }
    }

    /** The item itself and the folders above it, each without recursing: quick even for a large tree. */
    private void resyncTop(String user, long uid, String owner, RelPath item) throws IOException {
        List<ShareLookup.Grant> grants = shares.grantsTo(user, owner);
        Optional<Path> source = checkedSource(owner, item);
        if (source.isEmpty()) {
            return; // gone, or a link now: nothing of the share is reachable there
        }
        apply(source.get(), uid, level(grants, item), false);
        for (RelPath above = item; !above.isRoot(); ) {
            above = above.parent();
            if (level(grants, above) == Level.NONE) {
                Optional<Path> dir = checkedSource(owner, above);
                if (dir.isPresent()) {
                    setfacl(dir.get(), false, "-x", "u:" + uid);
                }
            }
        }
    }

    /** Everything inside the item, then the remaining shares below it again (shallowest first: deeper ones may give more). */
    private void resyncDeep(String user, long uid, String owner, RelPath item) throws IOException {
        List<ShareLookup.Grant> grants = shares.grantsTo(user, owner);
        Optional<Path> source = checkedSource(owner, item);
        if (source.isEmpty() || !Files.isDirectory(source.get(), LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Level here = level(grants, item);
        apply(source.get(), uid, here, true);
        List<RelPath> below = grants.stream().map(ShareLookup.Grant::path)
                .filter(p -> p.startsWith(item) && !p.equals(item)).distinct()
                .sorted(Comparator.comparingInt(RelPath::depth)).toList();
        for (RelPath p : below) {
            Level level = level(grants, p);
            Optional<Path> deeper = checkedSource(owner, p);
            if (deeper.isPresent() && level != here) {
                grant(owner, p, deeper.get(), uid, level);
            }
        }
    }

    /** Sets {@code level} on one item (and everything in it when {@code recursive}); NONE and TRAVERSE remove the rest. */
    private static void apply(Path item, long uid, Level level, boolean recursive) throws IOException {
        boolean dir = Files.isDirectory(item, LinkOption.NOFOLLOW_LINKS);
        switch (level) {
            case NONE -> setfacl(item, recursive && dir, "-x", dir ? "u:" + uid + ",d:u:" + uid : "u:" + uid);
            case TRAVERSE -> {
                setfacl(item, recursive, "-x", "u:" + uid + ",d:u:" + uid);
                setfacl(item, false, "-m", "u:" + uid + ":x");
            }
            case READ, WRITE -> setfacl(item, recursive && dir, "-m", dir
                    ? "u:" + uid + ":" + level.dirRights() + ",d:u:" + uid + ":" + level.dirRights()
                    : "u:" + uid + ":" + level.fileRights());
        }
    }

    /**
     * What the grants give at {@code at}: the most any share at or above it gives (as the file layer decides), else
     * passage to a share further down, else nothing.
     */
    static Level level(List<ShareLookup.Grant> grants, RelPath at) {
        Level best = Level.NONE;
        for (ShareLookup.Grant g : grants) {
            if (at.startsWith(g.path())) {
                Level l = writes(g.permissions()) ? Level.WRITE : g.permissions().contains(Permission.READ) ? Level.READ : Level.NONE;
                best = l.compareTo(best) > 0 ? l : best;
            } else if (g.path().startsWith(at) && best == Level.NONE) {
                best = Level.TRAVERSE;
            }
        }
        return best;
    }

    static boolean writes(Set<Permission> permissions) {
        return permissions.contains(Permission.UPDATE) || permissions.contains(Permission.CREATE);
    }

    /**
     * The item's host path, walked one name at a time without following links: the owner's container may have
     * replaced a folder with a link to anywhere, and Podman (or setfacl, for the names above the last) would follow
     * it. Empty when a name is missing, a link, or not a folder/file. (A link swapped in between this check and the
     * use is a remaining window of a fraction of a second; docs/THREAT_MODEL.md names it.)
     */
    Optional<Path> checkedSource(String owner, RelPath path) throws IOException {
        Path p = homes.resolve(RelPath.checkName(owner));
        for (int i = 0; i <= path.depth(); i++) {
            if (i > 0) {
                p = p.resolve(path.names().get(i - 1));
            }
            BasicFileAttributes a;
            try {
                a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (java.nio.file.NoSuchFileException e) {
                return Optional.empty();
            }
            boolean last = i == path.depth();
            if (a.isSymbolicLink() || !(a.isDirectory() || (last && a.isRegularFile()))) {
                return Optional.empty();
            }
        }
        return Optional.of(p);
    }

    /** {@code setfacl -P [-R] <op> <entries> -- path}. */
    private static void setfacl(Path path, boolean recursive, String op, String entries) throws IOException {
        List<String> command = new ArrayList<>(List.of("setfacl", "-P"));
        if (recursive) {
            command.add("-R");
        }
        command.addAll(List.of(op, entries, "--", path.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("setfacl took over a minute on " + path);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new IOException("setfacl failed on " + path + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while setting ACLs on " + path, e);
        }
    }
}
