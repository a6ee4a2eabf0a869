package org.labhub.search;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.labhub.storage.Entry;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the index agree with the homes: walks each home through the {@link FileStore}, puts what is new or changed
 * (its etag differs from the index's fingerprint), removes what is gone, and drops owners whose home is gone. It
 * catches what file watching missed (an overflow, a crash before a commit, changes while the hub was down), and a
 * forced pass (every file put again) is the rebuild. One home at a time, on one thread, pausing between bursts of
 * work so that requests keep their share of the CPU.
 */
public final class IndexReconciler {
    private static final Logger log = LoggerFactory.getLogger(IndexReconciler.class);

    private final Path homesRoot;
    private final FileStore store;
    private final IndexUpdates index;
    private final Supplier<Set<String>> indexedOwners;
    private final Throttle throttle;

    /** What one pass did. {@code files} is what the homes hold now: the number of documents after the pass. */
    public record Result(int homes, long files, long put, long removed, long millis) {
        Result plus(Result o) {
            return new Result(homes + o.homes, files + o.files, put + o.put, removed + o.removed, millis + o.millis);
        }
    }

    /** Where a pass is, for {@code labhub reindex} to print. */
    public record Progress(int homesDone, int homesTotal, long files) {}

    private volatile Progress progress = new Progress(0, 0, 0);
    private volatile boolean stopped;

    /** Thrown out of a pass when {@link #stop} was called (the hub is closing). */
    public static final class Stopped extends RuntimeException {
        Stopped() {
            super("the reconcile was stopped", null, false, false);
        }
    }

    /** Ends the running pass at its next file and refuses new ones (threads inside Lucene must not be interrupted). */
    public void stop() {
        stopped = true;
    }

    /**
     * @param indexedOwners the owners the index holds documents of (so those whose home is gone can be dropped)
     * @param throttle      how much of the time a pass may work; {@link Throttle#NONE} for an offline rebuild
     */
    public IndexReconciler(Path homesRoot, FileStore store, IndexUpdates index, Supplier<Set<String>> indexedOwners,
                           Throttle throttle) {
        this.homesRoot = homesRoot.toAbsolutePath().normalize();
        this.store = store;
        this.index = index;
        this.indexedOwners = indexedOwners;
        this.throttle = throttle;
    }

    public Progress progress() {
        return progress;
    }

    /** Every home, then the owners whose home is gone; {@code force} puts every file again (a rebuild). */
    public Result reconcileAll(boolean force) throws IOException {
        long start = System.nanoTime();
        List<String> owners = HomeWalk.homes(homesRoot);
        progress = new Progress(0, owners.size(), 0);
        Result total = new Result(0, 0, 0, 0, 0);
        for (String owner : owners) {
            total = total.plus(reconcile(owner, force));
            progress = new Progress(progress.homesDone() + 1, owners.size(), total.files());
        }
        Set<String> gone = new HashSet<>(indexedOwners.get());
        owners.forEach(gone::remove);
        // A home made while this pass ran is not in its list but may already be indexed (by the watcher): only a home
        // that is not there now is gone.
        gone.removeIf(owner -> homeExists(owner));
        for (String owner : gone) {
            index.removeOwner(owner);
            log.atInfo().addKeyValue("owner", owner).log("search: dropped the documents of a home that is gone");
        }
        return new Result(total.homes(), total.files(), total.put(), total.removed() + gone.size(),
                (System.nanoTime() - start) / 1_000_000);
    }

    private boolean homeExists(String owner) {
        try {
            return store.stat(new Location(owner, RelPath.ROOT)).map(Entry::isDirectory).orElse(false);
        } catch (IOException e) {
            return true; // unsure: keep its documents; the next pass looks again
        }
    }

    /**
     * One home. The index's fingerprints are read before the walk: a file created meanwhile is then either walked
     * or simply not compared, never removed by mistake.
     */
    public Result reconcile(String owner, boolean force) throws IOException {
        long start = System.nanoTime();
        if (stopped) {
            throw new Stopped();
        }
        Map<RelPath, String> indexed = index.fingerprints(owner);
        Location home = new Location(owner, RelPath.ROOT);
        if (store.stat(home).map(e -> !e.isDirectory()).orElse(true)) {
            if (!indexed.isEmpty()) {
                index.removeOwner(owner);
            }
            return new Result(0, 0, 0, indexed.size(), (System.nanoTime() - start) / 1_000_000);
        }
        Set<RelPath> seen = new HashSet<>();
        long[] counts = new long[2]; // files, put
        HomeWalk.walk(store, home, new HomeWalk.Visitor() {
            @Override
            public void folder(Location folder) {
                if (stopped) {
                    throw new Stopped();
                }
                throttle.pause();
            }

            @Override
            public void file(Location file, Entry entry) throws IOException {
                seen.add(file.path());
                counts[0]++;
                if (force || !entry.etag().equals(indexed.get(file.path()))) {
                    index.put(file, entry);
                    counts[1]++;
                    throttle.pause();
                }
            }
        });
        long removed = 0;
        for (RelPath path : indexed.keySet()) {
            if (!seen.contains(path)) {
                index.removeTree(new Location(owner, path));
                removed++;
            }
        }
        return new Result(1, counts[0], counts[1], removed, (System.nanoTime() - start) / 1_000_000);
    }

    /** Lets a background pass work at most a share of the time: after each slice of work it sleeps a while. */
    public static final class Throttle {
        public static final Throttle NONE = new Throttle(0);
        private static final long SLICE_NANOS = 50_000_000;

        private final double pauseShare;
        private long sliceStart = System.nanoTime();

        /** @param pauseShare the share of wall time spent sleeping, between 0 (never) and 0.9 */
        public Throttle(double pauseShare) {
            if (pauseShare < 0 || pauseShare > 0.9) {
                throw new IllegalArgumentException("pause share must be between 0 and 0.9: " + pauseShare);
            }
            this.pauseShare = pauseShare;
        }

        void pause() {
            if (pauseShare == 0) {
                return;
            }
            long worked = System.nanoTime() - sliceStart;
            if (worked < SLICE_NANOS) {
                return;
            }
            long sleepNanos = (long) (worked * pauseShare / (1 - pauseShare));
            try {
                Thread.sleep(sleepNanos / 1_000_000, (int) (sleepNanos % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sliceStart = System.nanoTime();
        }
    }
}
