package org.labhub.search;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.labhub.storage.Entry;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the index fresh within seconds by watching every folder of every home (inotify through the JDK's
 * {@link WatchService}), including what notebook containers write into their bind-mounted home. Events are only
 * hints: after a short quiet time per path (a notebook save is several events) the path is looked at again through
 * the {@link FileStore} ({@code lstat} through directory handles) and the index told what is there now. When events
 * were lost (queue overflow) or a home cannot be watched (inotify watch limit), that home is reconciled instead.
 * One thread does all of it, so the index sees one path's updates in order.
 */
public final class HomeWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HomeWatcher.class);
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    /** The longest the loop sleeps, so paths the hub reports ({@link #touched}) wait at most this before their quiet time. */
    private static final long IDLE_POLL_MS = 100;

    private final Path homesRoot;
    private final FileStore store;
    private final IndexUpdates index;
    private final Consumer<String> reconcileHome;
    private final long quietNanos;
    private final WatchService watch;
    private final Thread thread;
    private final CountDownLatch ready = new CountDownLatch(1);

    // Owned by the watcher thread.
    private final Map<WatchKey, Location> folders = new HashMap<>();
    private final Map<Location, WatchKey> keys = new HashMap<>();
    private final Map<Location, Pending> pending = new LinkedHashMap<>();
    private WatchKey homesKey;

    private final ConcurrentLinkedQueue<Location> reported = new ConcurrentLinkedQueue<>();
    private final Set<String> unwatched = ConcurrentHashMap.newKeySet();
    private final int maxFolders;
    private volatile int watchedFolders;
    private volatile boolean closed;

    private record Pending(long dueNanos, boolean appeared) {}

    /**
     * @param reconcileHome asked to reconcile one home when its events were lost; it should run elsewhere, soon
     * @param quiet         how long a path must be left alone before it is looked at (coalesces a save's events)
     */
    /** @param maxFolders folders watched at most (0: as many as inotify gives); homes beyond it are given up like refused ones */
    public HomeWatcher(Path homesRoot, FileStore store, IndexUpdates index, Consumer<String> reconcileHome, Duration quiet,
                       int maxFolders) throws IOException {
        this.maxFolders = maxFolders;
        this.homesRoot = homesRoot.toAbsolutePath().normalize();
        this.store = store;
        this.index = index;
        this.reconcileHome = reconcileHome;
        this.quietNanos = quiet.toNanos();
        this.watch = this.homesRoot.getFileSystem().newWatchService();
        this.thread = new Thread(this::run, "search-watcher");
        this.thread.setDaemon(true);
    }

    /** Starts watching in the background: first every folder of every home, then changes as they come. */
    public void start() {
        thread.start();
    }

    /** Waits until every folder that existed at start is watched. */
    public boolean awaitWatching(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The hub changed {@code item} (moved or removed it): look at it again soon, as if inotify had said so. */
    public void touched(Location item) {
        reported.add(item);
    }

    /** Homes watched by reconcile only, because inotify refused more watches. */
    public Set<String> unwatchedHomes() {
        return Set.copyOf(unwatched);
    }

    /** How many folders inotify watches now (each costs one of {@code fs.inotify.max_user_watches}). */
    public int watchedFolders() {
        return watchedFolders;
    }

    private void run() {
        try {
            homesKey = register(homesRoot);
            for (String owner : homes()) {
                watchTree(new Location(owner, RelPath.ROOT), false);
            }
        } catch (IOException | RuntimeException e) {
            log.error("search: watching the homes failed; the index stays fresh by reconcile only", e);
        } finally {
            ready.countDown();
        }
        try {
            while (!closed) {
                long wait = IDLE_POLL_MS;
                if (!pending.isEmpty()) {
                    long next = pending.values().stream().mapToLong(Pending::dueNanos).min().orElseThrow();
                    wait = Math.max(0, Math.min(wait, (next - System.nanoTime()) / 1_000_000));
                }
                WatchKey key = watch.poll(wait, TimeUnit.MILLISECONDS);
                while (key != null) {
                    take(key);
                    key = watch.poll();
                }
                for (Location l; (l = reported.poll()) != null; ) {
                    note(l, true);
                }
                processDue();
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closing
        } catch (RuntimeException | Error e) {
            log.error("search: the home watcher stopped; the index stays fresh by reconcile only", e);
        }
    }

    private void take(WatchKey key) {
        Location folder = folders.get(key);
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == OVERFLOW) {
                overflow(folder);
                continue;
            }
            String name = event.context().toString();
            if (IndexedPaths.hidden(name) || !addressable(name)) {
                continue;
            }
            if (key == homesKey) {
                note(new Location(name, RelPath.ROOT), true);
            } else if (folder != null) {
                note(folder.child(name), event.kind() == ENTRY_CREATE);
            }
        }
        if (!key.reset()) {
            Location gone = folders.remove(key);
            if (gone != null && keys.get(gone) == key) {
                keys.remove(gone);
            }
            watchedFolders = folders.size();
        }
    }

    /** Events were lost: watch the home's folders again (some may be new) and have it reconciled. */
    private void overflow(Location folder) {
        log.atInfo().addKeyValue("home", folder == null ? "(all)" : folder.owner())
                .log("search: inotify events were lost (queue overflow); reconciling");
        try {
            if (folder == null) {
                for (String owner : homes()) {
                    watchTree(new Location(owner, RelPath.ROOT), false);
                    reconcileHome.accept(owner);
                }
            } else {
                watchTree(new Location(folder.owner(), RelPath.ROOT), false);
                reconcileHome.accept(folder.owner());
            }
        } catch (IOException e) {
            log.warn("search: re-watching after an overflow failed: {}", e.getMessage());
        }
    }

    /** Coalesces: the first event of a path fixes when it is looked at; later ones only add that it appeared. */
    private void note(Location at, boolean appeared) {
        Pending p = pending.get(at);
        if (p == null) {
            pending.put(at, new Pending(System.nanoTime() + quietNanos, appeared));
        } else if (appeared && !p.appeared()) {
            pending.put(at, new Pending(p.dueNanos(), true));
        }
    }

    private void processDue() {
        long now = System.nanoTime();
        for (Iterator<Map.Entry<Location, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Location, Pending> e = it.next();
            if (e.getValue().dueNanos() - now > 0) {
                continue;
            }
            it.remove();
            try {
                update(e.getKey(), e.getValue().appeared());
            } catch (IOException | RuntimeException ex) {
                log.warn("search: indexing {} failed (the next reconcile retries): {}", e.getKey(), ex.toString());
            }
        }
    }

    /** Tells the index what is at {@code at} now. */
    private void update(Location at, boolean appeared) throws IOException {
        if (!IndexedPaths.indexed(at.path())) {
            return;
        }
        Optional<Entry> now = store.stat(at);
        if (at.path().isRoot()) {
            if (now.map(Entry::isDirectory).orElse(false)) {
                watchTree(at, true); // a new home (or one given back): index what it holds
            } else {
                index.removeOwner(at.owner());
                forget(at);
            }
            return;
        }
        if (now.isEmpty() || !(now.get().isFile() || now.get().isDirectory())) {
            index.removeTree(at); // gone, or replaced by a link or a device: nothing of it is indexed
            forget(at);
        } else if (now.get().isFile()) {
            index.put(at, now.get());
        } else if (appeared || !keys.containsKey(at)) {
            index.removeTree(at); // a folder moved in (or replaced a file): index it whole
            watchTree(at, true);
        }
    }

    /** Watches {@code folder} and every folder in it; with {@code indexFiles}, also puts every file found. */
    private void watchTree(Location folder, boolean indexFiles) throws IOException {
        if (unwatched.contains(folder.owner())) {
            if (indexFiles) {
                reconcileHome.accept(folder.owner());
            }
            return;
        }
        HomeWalk.walk(store, folder, new HomeWalk.Visitor() {
            @Override
            public void folder(Location f) {
                watchFolder(f);
            }

            @Override
            public void file(Location file, Entry entry) throws IOException {
                if (indexFiles) {
                    index.put(file, entry);
                }
            }
        });
    }

    /**
     * Watches one folder. A container can swap a folder for a link at any moment and the JDK registers by path
     * (following links), so the folder is checked to be a real folder through the store before and after, with
     * the same file key; the key is dropped otherwise. A watch that still lands outside (a swap and a swap back
     * in between) only makes paths inside the home be looked at again through the store, which never follows
     * links: nothing outside the homes is ever read or indexed.
     */
    private void watchFolder(Location folder) {
        if (unwatched.contains(folder.owner())) {
            return;
        }
        Path path = pathOf(folder);
        try {
            Object before = realFolderKey(folder, path);
            if (before == null) {
                return;
            }
            if (maxFolders > 0 && folders.size() >= maxFolders) {
                throw new IOException("search.max_watched_folders (" + maxFolders + ") is reached");
            }
            WatchKey key = register(path);
            if (!Objects.equals(before, realFolderKey(folder, path))) {
                key.cancel();
                return;
            }
            WatchKey old = keys.put(folder, key);
            if (old != null && old != key) {
                Location l = folders.get(old);
                if (folder.equals(l)) {
                    folders.remove(old);
                }
            }
            folders.put(key, folder);
            watchedFolders = folders.size();
        } catch (NoSuchFileException | NotDirectoryException e) {
            // gone meanwhile: its parent's event handles it
        } catch (IOException e) {
            giveUp(folder.owner(), e);
        }
    }

    /** The folder's file key if it is a real folder (through the store and by path, both without following links). */
    private Object realFolderKey(Location folder, Path path) throws IOException {
        if (!store.stat(folder).map(Entry::isDirectory).orElse(false)) {
            return null;
        }
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
        return a.isDirectory() ? a.fileKey() : null;
    }

    /** inotify refused a watch (usually {@code fs.inotify.max_user_watches}): this home is kept fresh by reconcile only. */
    private void giveUp(String owner, IOException e) {
        if (unwatched.add(owner)) {
            log.atWarn().addKeyValue("home", owner).addKeyValue("watched_folders", folders.size())
                    .log("search: cannot watch more folders ({}); this home is kept fresh by the periodic reconcile only."
                            + " Raise fs.inotify.max_user_watches (docs/operations.md)", e.getMessage());
            forget(new Location(owner, RelPath.ROOT));
        }
    }

    /** Stops watching at and under {@code at}: it is gone, or moved (the walk of where it went watches it again). */
    private void forget(Location at) {
        for (Iterator<Map.Entry<Location, WatchKey>> it = keys.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Location, WatchKey> e = it.next();
            if (e.getKey().owner().equals(at.owner()) && e.getKey().path().startsWith(at.path())) {
                it.remove();
                WatchKey k = e.getValue();
                if (e.getKey().equals(folders.get(k))) { // not already taken over by the place it moved to
                    folders.remove(k);
                    k.cancel();
                }
            }
        }
        watchedFolders = folders.size();
    }

    private WatchKey register(Path dir) throws IOException {
        return dir.register(watch, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY);
    }

    private Path pathOf(Location l) {
        Path p = homesRoot.resolve(l.owner());
        for (String name : l.path().names()) {
            p = p.resolve(name);
        }
        return p;
    }

    private Iterable<String> homes() throws IOException {
        return HomeWalk.homes(homesRoot);
    }

    private static boolean addressable(String name) {
        try {
            RelPath.checkName(name);
            return true;
        } catch (RelPath.BadPath e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        watch.close();
        thread.join(5000);
    }
}
