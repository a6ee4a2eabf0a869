package org.labhub.search;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.labhub.config.LabhubConfig;
import org.labhub.storage.FileEvents;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the derived index in step with the homes while the hub runs: the {@link HomeWatcher} for changes within
 * seconds, the {@link IndexReconciler} at start and every reconcile interval for what watching missed (and for
 * rebuilds), the hub's own moves and removals as {@link FileEvents}, a refresh about every second when something
 * changed (searchable within seconds) and a commit every commit interval and at close (durable; a crash loses at
 * most the tail since the last commit, which the reconcile at the next start puts back).
 */
public final class SearchFreshness implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SearchFreshness.class);

    /** How often the index is reopened for searches when something changed. */
    public static final Duration REFRESH_INTERVAL = Duration.ofSeconds(1);
    /** How long a path must be left alone before the watcher looks at it (a notebook save is several events). */
    public static final Duration QUIET_TIME = Duration.ofMillis(300);
    /** The share of time a background reconcile sleeps, so requests keep most of the CPU. */
    private static final double BACKGROUND_PAUSE = 0.25;

    private final ChangeCountingIndex index;
    private final IndexReconciler reconciler;
    private final HomeWatcher watcher;
    private final Duration commitInterval;
    private final Duration reconcileInterval;
    private final ExecutorService worker;
    private final ScheduledExecutorService clock;
    private final Set<String> homesToReconcile = ConcurrentHashMap.newKeySet();

    private volatile boolean catchingUp = true;
    private volatile boolean rebuilding;
    private volatile Optional<IndexReconciler.Result> lastRebuild = Optional.empty();
    private volatile Optional<IndexReconciler.Result> startPass = Optional.empty();
    private long refreshedAt;
    private long committedAt;

    /**
     * @param indexedOwners the owners the index has documents of (those whose home is gone are dropped)
     */
    public SearchFreshness(Path homesRoot, FileStore store, IndexUpdates index, Supplier<Set<String>> indexedOwners,
                           Duration commitInterval, Duration reconcileInterval, int maxWatchedFolders) throws IOException {
        this.index = new ChangeCountingIndex(index);
        this.reconciler = new IndexReconciler(homesRoot, store, this.index, indexedOwners,
                new IndexReconciler.Throttle(BACKGROUND_PAUSE));
        this.watcher = new HomeWatcher(homesRoot, store, this.index, this::reconcileSoon, QUIET_TIME, maxWatchedFolders);
        this.commitInterval = commitInterval;
        this.reconcileInterval = reconcileInterval;
        this.worker = Executors.newSingleThreadExecutor(r -> daemon(r, "search-reconcile"));
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "search-refresh"));
    }

    /** The hub's wiring: over the Lucene index, with the intervals of {@code [search]}. */
    public static SearchFreshness of(Path homesRoot, FileStore store, LuceneIndex index, LabhubConfig.Search config)
            throws IOException {
        return new SearchFreshness(homesRoot, store, index, () -> IndexedOwners.of(index), config.commitInterval(),
                config.reconcileInterval(), config.maxWatchedFolders());
    }

    /**
     * Starts watching, then reconciles every home once (fast when the index is current: fingerprints compare;
     * a full build when {@code rebuild}, for a new or replaced index). Searches are served meanwhile and say they
     * are catching up until that first pass is done.
     */
    public void start(boolean rebuild) {
        watcher.start();
        rebuilding = rebuild;
        worker.execute(() -> {
            Optional<IndexReconciler.Result> done = Optional.empty();
            try {
                watcher.awaitWatching(Duration.ofMinutes(10));
                IndexReconciler.Result r = reconciler.reconcileAll(rebuild);
                log.atInfo().addKeyValue("homes", r.homes()).addKeyValue("files", r.files()).addKeyValue("put", r.put())
                        .addKeyValue("removed", r.removed()).addKeyValue("millis", r.millis())
                        .log(rebuild ? "search: index rebuilt" : "search: index reconciled at start");
                if (rebuild) {
                    lastRebuild = Optional.of(r);
                }
                commitIfChanged();
                done = Optional.of(r);
            } catch (InterruptedException | IndexReconciler.Stopped e) {
                // closing
            } catch (IOException | RuntimeException e) {
                log.error("search: the first reconcile failed; the next periodic one retries", e);
            } finally {
                rebuilding = false;
                catchingUp = false;
                // Published last: whoever sees the start pass done may start a rebuild at once.
                startPass = done;
            }
        });
        clock.scheduleWithFixedDelay(this::refreshIfChanged, REFRESH_INTERVAL.toMillis(), REFRESH_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        clock.scheduleWithFixedDelay(this::commitQuietly, commitInterval.toMillis(), commitInterval.toMillis(), TimeUnit.MILLISECONDS);
        clock.scheduleWithFixedDelay(() -> worker.execute(this::reconcileAllQuietly), reconcileInterval.toMillis(),
                reconcileInterval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True during a rebuild and until the first reconcile after start is done: results may be incomplete. */
    public boolean catchingUp() {
        return catchingUp;
    }

    /** What the hub's file layer tells about its own moves and removals: the watcher looks at both places again. */
    public FileEvents fileEvents() {
        return new FileEvents() {
            @Override
            public void moved(Location from, Location to) {
                watcher.touched(from);
                watcher.touched(to);
            }

            @Override
            public void removed(Location item) {
                watcher.touched(item);
            }
        };
    }

    /**
     * Starts a rebuild in the background (every file of every home indexed again; searches keep working and say
     * they are catching up). False when one is already running.
     */
    public synchronized boolean rebuild() {
        if (rebuilding) {
            return false;
        }
        rebuilding = true;
        catchingUp = true;
        worker.execute(() -> {
            try {
                IndexReconciler.Result r = reconciler.reconcileAll(true);
                lastRebuild = Optional.of(r);
                log.atInfo().addKeyValue("files", r.files()).addKeyValue("millis", r.millis()).log("search: index rebuilt");
                commitIfChanged();
            } catch (IndexReconciler.Stopped e) {
                // closing
            } catch (IOException | RuntimeException e) {
                log.error("search: the rebuild failed", e);
            } finally {
                rebuilding = false;
                catchingUp = false;
            }
        });
        return true;
    }

    /** What the reconcile at start did (what a crash had left out shows as puts), once it is done. */
    public Optional<IndexReconciler.Result> startPass() {
        return startPass;
    }

    /** Whether a rebuild runs, how far it got, and what the last finished one did. */
    public record RebuildStatus(boolean running, IndexReconciler.Progress progress, Optional<IndexReconciler.Result> last) {}

    public RebuildStatus rebuildStatus() {
        return new RebuildStatus(rebuilding, reconciler.progress(), lastRebuild);
    }

    /** Homes kept fresh by the periodic reconcile only (inotify refused more watches). */
    public Set<String> unwatchedHomes() {
        return watcher.unwatchedHomes();
    }

    /**
     * For {@code /api/health}: "ok" while every home is watched; otherwise how many are not, and what that means.
     * Search still works for them, but their changes show up only at the next reconcile.
     */
    public String health() {
        int n = watcher.unwatchedHomes().size();
        long seconds = reconcileInterval.toSeconds();
        String every = seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
        return n == 0 ? "ok" : n + (n == 1 ? " home is" : " homes are") + " not watched for changes (fs.inotify.max_user_watches or "
                + "search.max_watched_folders); their changes reach search only at the next reconcile, every " + every;
    }

    public int watchedFolders() {
        return watcher.watchedFolders();
    }

    /** Queues one home's reconcile once, however often it is asked before it runs. */
    private void reconcileSoon(String owner) {
        if (homesToReconcile.add(owner)) {
            worker.execute(() -> {
                homesToReconcile.remove(owner);
                try {
                    reconciler.reconcile(owner, false);
                } catch (IndexReconciler.Stopped e) {
                    // closing
                } catch (IOException | RuntimeException e) {
                    log.warn("search: reconciling {} failed: {}", owner, e.toString());
                }
            });
        }
    }

    private void reconcileAllQuietly() {
        try {
            IndexReconciler.Result r = reconciler.reconcileAll(false);
            if (r.put() > 0 || r.removed() > 0) {
                log.atInfo().addKeyValue("put", r.put()).addKeyValue("removed", r.removed())
                        .log("search: the periodic reconcile repaired what watching missed");
            }
        } catch (IndexReconciler.Stopped e) {
            // closing
        } catch (IOException | RuntimeException e) {
            log.warn("search: the periodic reconcile failed: {}", e.toString());
        }
    }

    private synchronized void refreshIfChanged() {
        long now = index.changes();
        if (now == refreshedAt) {
            return;
        }
        try {
            index.refresh();
            refreshedAt = now;
        } catch (IOException | RuntimeException e) {
            log.warn("search: refreshing the index failed: {}", e.toString());
        }
    }

    private void commitQuietly() {
        try {
            commitIfChanged();
        } catch (IOException | RuntimeException e) {
            log.warn("search: committing the index failed: {}", e.toString());
        }
    }

    private synchronized void commitIfChanged() throws IOException {
        long now = index.changes();
        if (now != committedAt) {
            index.commit();
            committedAt = now;
            refreshIfChanged();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Stops watching and reconciling, then commits what was indexed (the caller closes the index afterwards). */
    @Override
    public void close() throws Exception {
        try {
            watcher.close();
        } finally {
            // Never interrupt a thread inside Lucene (an interrupted write closes the IndexWriter): ask and wait.
            reconciler.stop();
            clock.shutdown();
            worker.shutdown();
            worker.awaitTermination(30, TimeUnit.SECONDS);
            clock.awaitTermination(30, TimeUnit.SECONDS);
            commitIfChanged();
        }
    }
}
