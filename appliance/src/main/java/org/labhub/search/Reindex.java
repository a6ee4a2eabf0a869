package org.labhub.search;

import java.io.IOException;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.labhub.config.LabhubConfig;
import org.labhub.config.SitePaths;
import org.labhub.storage.FileStore;
import org.labhub.storage.HomeFileStore;

/** {@code labhub reindex} with no hub running: a new index built from the homes, at full speed, then committed. */
public final class Reindex {
    /** What the rebuild did; {@code documents} is what the new index holds. */
    public record Result(int homes, long files, long millis, int documents) {}

    private Reindex() {}

    /** The caller holds the data-root lock. {@code progress} hears how far it got every two seconds. */
    public static Result offline(SitePaths paths, LabhubConfig.Search config, Consumer<IndexReconciler.Progress> progress)
            throws IOException {
        FileStore store = new HomeFileStore(paths.homes(), paths.staging(), paths.trash(), owner -> 0L, Clock.systemUTC());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "reindex-progress");
            t.setDaemon(true);
            return t;
        });
        try (LuceneIndex index = LuceneIndex.recreate(paths.index(), store, config)) {
            IndexReconciler reconciler = new IndexReconciler(paths.homes(), store, index, Set::of, IndexReconciler.Throttle.NONE);
            ticker.scheduleAtFixedRate(() -> progress.accept(reconciler.progress()), 2, 2, TimeUnit.SECONDS);
            IndexReconciler.Result r = reconciler.reconcileAll(true);
            ticker.shutdownNow();
            index.commit();
            index.refresh(); // documents() counts what the searcher sees
            return new Result(r.homes(), r.files(), r.millis(), index.documents());
        } finally {
            ticker.shutdownNow();
        }
    }
}
