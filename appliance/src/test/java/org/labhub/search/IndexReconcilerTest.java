package org.labhub.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.storage.HomeFileStore;

/** The reconcile walk makes the index agree with the homes, touching only what differs. */
class IndexReconcilerTest {
    @TempDir
    Path data;
    Path homes;
    HomeFileStore store;
    RecordingIndex index;
    IndexReconciler reconciler;

    @BeforeEach
    void setUp() throws Exception {
        homes = data.resolve("homes");
        store = new HomeFileStore(homes, data.resolve("staging"), data.resolve("trash"), o -> 0L, Clock.systemUTC());
        index = new RecordingIndex();
        reconciler = new IndexReconciler(homes, store, index, index::owners, IndexReconciler.Throttle.NONE);
    }

    @Test
    void aFirstPassIndexesEveryFileOfEveryHomeButNotHiddenFoldersOrLinks() throws Exception {
        write("alice/a.ipynb", "{}");
        write("alice/deep/er/b.txt", "b");
        write("alice/.ipynb_checkpoints/a-checkpoint.ipynb", "{}");
        write("alice/.local/lib/x.py", "x");
        write("bob/c.txt", "c");
        Path outside = Files.createDirectories(data.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(homes.resolve("alice/link"), outside);
        Files.createSymbolicLink(homes.resolve("alice/file-link.txt"), outside.resolve("secret.txt"));

        IndexReconciler.Result r = reconciler.reconcileAll(false);

        assertThat(index.paths("alice")).containsExactly("a.ipynb", "deep/er/b.txt");
        assertThat(index.paths("bob")).containsExactly("c.txt");
        assertThat(r.files()).isEqualTo(3);
        assertThat(r.put()).isEqualTo(3);
        assertThat(r.homes()).isEqualTo(2);
    }

    @Test
    void missingDocumentsAreAddedStaleOnesRemovedChangedOnesPutAgainAndUnchangedOnesLeftAlone() throws Exception {
        write("alice/same.txt", "same");
        write("alice/changes.txt", "v1");
        write("alice/goes/away.txt", "bye");
        reconciler.reconcileAll(false);
        assertThat(index.putCount.get()).isEqualTo(3);

        write("alice/changes.txt", "version two, longer");
        write("alice/new.txt", "new");
        Files.delete(homes.resolve("alice/goes/away.txt"));
        IndexReconciler.Result r = reconciler.reconcileAll(false);

        assertThat(index.paths("alice")).containsExactly("changes.txt", "new.txt", "same.txt");
        assertThat(index.putsOf("alice", "same.txt")).as("unchanged: never put again").isEqualTo(1);
        assertThat(index.putsOf("alice", "changes.txt")).isEqualTo(2);
        assertThat(index.putsOf("alice", "new.txt")).isEqualTo(1);
        assertThat(r.put()).isEqualTo(2);
        assertThat(r.removed()).isEqualTo(1);

        IndexReconciler.Result again = reconciler.reconcileAll(false);
        assertThat(again.put()).as("a current index costs no puts").isZero();
        assertThat(again.removed()).isZero();
    }

    @Test
    void ownersWhoseHomeIsGoneAreDropped() throws Exception {
        write("alice/a.txt", "a");
        write("carol/c.txt", "c");
        reconciler.reconcileAll(false);
        assertThat(index.owners()).containsExactlyInAnyOrder("alice", "carol");

        Files.delete(homes.resolve("carol/c.txt"));
        Files.delete(homes.resolve("carol"));
        reconciler.reconcileAll(false);

        assertThat(index.owners()).containsExactly("alice");
    }

    @Test
    void aHomeMadeWhileThePassRunsKeepsWhatTheWatcherIndexedMeanwhile() throws Exception {
        write("alice/a.txt", "a");
        // The owners are asked for at the end of the pass: by then dave's home exists and the watcher indexed his
        // file, though the pass listed the homes before dave had one.
        IndexReconciler late = new IndexReconciler(homes, store, index, () -> {
            try {
                write("dave/d.txt", "d");
                index.put(new org.labhub.storage.Location("dave", org.labhub.storage.RelPath.parse("d.txt")),
                        store.stat(new org.labhub.storage.Location("dave", org.labhub.storage.RelPath.parse("d.txt"))).orElseThrow());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return index.owners();
        }, IndexReconciler.Throttle.NONE);

        late.reconcileAll(false);

        assertThat(index.owners()).containsExactlyInAnyOrder("alice", "dave");
        assertThat(index.paths("dave")).containsExactly("d.txt");
    }

    @Test
    void aForcedPassPutsEveryFileAgainAndReportsProgress() throws Exception {
        write("alice/a.txt", "a");
        write("bob/b.txt", "b");
        reconciler.reconcileAll(false);

        IndexReconciler.Result r = reconciler.reconcileAll(true);

        assertThat(r.put()).isEqualTo(2);
        assertThat(index.putCount.get()).isEqualTo(4);
        assertThat(reconciler.progress()).isEqualTo(new IndexReconciler.Progress(2, 2, 2));
    }

    @Test
    void aThrottledPassSleepsAboutItsShareOfTheTime() throws Exception {
        for (int i = 0; i < 300; i++) {
            write("alice/f" + i + ".txt", "x".repeat(i));
        }
        IndexReconciler throttled = new IndexReconciler(homes, store, new SlowIndex(index), index::owners,
                new IndexReconciler.Throttle(0.5));
        long start = System.nanoTime();
        IndexReconciler.Result r = throttled.reconcileAll(false);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(r.put()).isEqualTo(300);
        // 300 puts of 1 ms each is 300 ms of work; sleeping half of the time makes it about 600 ms.
        assertThat(millis).isGreaterThanOrEqualTo(500);
    }

    private void write(String path, String content) throws Exception {
        Path p = homes.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    /** Each put takes a millisecond, like a small Lucene update. */
    private record SlowIndex(RecordingIndex index) implements IndexUpdates {
        @Override
        public void put(org.labhub.storage.Location file, org.labhub.storage.Entry entry) throws java.io.IOException {
            long until = System.nanoTime() + 1_000_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            index.put(file, entry);
        }

        @Override
        public void removeTree(org.labhub.storage.Location item) { index.removeTree(item); }

        @Override
        public void removeOwner(String owner) { index.removeOwner(owner); }

        @Override
        public java.util.Map<org.labhub.storage.RelPath, String> fingerprints(String owner) { return index.fingerprints(owner); }

        @Override
        public void refresh() {}

        @Override
        public void commit() {}
    }
}
