package org.labhub.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.storage.HomeFileStore;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;

/**
 * The watcher turns what happens in the homes (written here with plain file calls, as a notebook container
 * writes into its bind-mounted home) into index updates within about a second, coalescing bursts, never
 * following a link out of the homes, and falling back to a reconcile when inotify loses events.
 */
class HomeWatcherTest {
    private static final Duration SOON = Duration.ofSeconds(5);

    @TempDir
    Path data;
    Path homes;
    HomeFileStore store;
    RecordingIndex index;
    HomeWatcher watcher;
    ExecutorService reconciles = Executors.newSingleThreadExecutor();
    AtomicInteger reconciled = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        homes = data.resolve("homes");
        Files.createDirectories(homes.resolve("alice/notebooks"));
        Files.createDirectories(homes.resolve("bob"));
        store = new HomeFileStore(homes, data.resolve("staging"), data.resolve("trash"), o -> 0L, Clock.systemUTC());
        index = new RecordingIndex();
        IndexReconciler reconciler = new IndexReconciler(homes, store, index, index::owners, IndexReconciler.Throttle.NONE);
        watcher = new HomeWatcher(homes, store, index, owner -> reconciles.execute(() -> {
            try {
                reconciler.reconcile(owner, false);
                reconciled.incrementAndGet();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }), Duration.ofMillis(300), 0);
        watcher.start();
        assertThat(watcher.awaitWatching(SOON)).isTrue();
    }

    @AfterEach
    void tearDown() throws Exception {
        watcher.close();
        reconciles.shutdownNow();
    }

    @Test
    void aCreatedFileIsIndexedWithinASecond() throws Exception {
        long start = System.nanoTime();
        write("alice/notebooks/analysis.ipynb", "{\"cells\":[]}");
        awaitTrue(() -> index.has("alice", "notebooks/analysis.ipynb"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.println("HomeWatcherTest: created file indexed after " + millis + " ms");
        assertThat(millis).isLessThan(1500);
    }

    @Test
    void aModifiedFileIsPutAgainWithItsNewFingerprint() throws Exception {
        write("alice/notes.txt", "one");
        awaitTrue(() -> index.has("alice", "notes.txt"));
        String before = index.fingerprints("alice").get(RelPath.parse("notes.txt"));

        write("alice/notes.txt", "two, and longer");

        awaitTrue(() -> !before.equals(index.fingerprints("alice").get(RelPath.parse("notes.txt"))));
        assertThat(index.fingerprints("alice").get(RelPath.parse("notes.txt")))
                .isEqualTo(store.stat(at("alice", "notes.txt")).orElseThrow().etag());
    }

    @Test
    void aDeletedFileIsRemoved() throws Exception {
        write("alice/gone.txt", "soon gone");
        awaitTrue(() -> index.has("alice", "gone.txt"));

        Files.delete(homes.resolve("alice/gone.txt"));

        awaitTrue(() -> !index.has("alice", "gone.txt"));
    }

    @Test
    void aRenamedFileMovesInTheIndex() throws Exception {
        write("alice/old.txt", "x");
        awaitTrue(() -> index.has("alice", "old.txt"));

        Files.move(homes.resolve("alice/old.txt"), homes.resolve("alice/notebooks/new.txt"));

        awaitTrue(() -> index.has("alice", "notebooks/new.txt") && !index.has("alice", "old.txt"));
    }

    @Test
    void nestedNewFoldersAreWatchedAndWhatIsInThemIndexed() throws Exception {
        Path deep = Files.createDirectories(homes.resolve("alice/a/b/c"));
        Files.writeString(deep.resolve("first.txt"), "written at once");
        awaitTrue(() -> index.has("alice", "a/b/c/first.txt"));

        Files.writeString(deep.resolve("later.txt"), "written after the folder was watched");
        Files.createDirectories(deep.resolve("d"));
        Thread.sleep(100);
        Files.writeString(deep.resolve("d/deeper.txt"), "in a folder made later");

        awaitTrue(() -> index.has("alice", "a/b/c/later.txt") && index.has("alice", "a/b/c/d/deeper.txt"));
    }

    @Test
    void aMovedFolderIsIndexedAtItsNewPlaceAndItsWatchFollowsIt() throws Exception {
        write("alice/project/one.txt", "1");
        write("alice/project/sub/two.txt", "2");
        awaitTrue(() -> index.has("alice", "project/sub/two.txt"));

        Files.move(homes.resolve("alice/project"), homes.resolve("alice/notebooks/renamed"));
        awaitTrue(() -> index.paths("alice").equals(java.util.Set.of("notebooks/renamed/one.txt", "notebooks/renamed/sub/two.txt")));

        write("alice/notebooks/renamed/sub/three.txt", "3");
        awaitTrue(() -> index.has("alice", "notebooks/renamed/sub/three.txt"));
        assertThat(index.paths("alice")).noneMatch(p -> p.startsWith("project"));
    }

    @Test
    void aBurstOfWritesToOneFileIsOneUpdate() throws Exception {
        Path p = homes.resolve("alice/notebooks/saved.ipynb");
        for (int i = 0; i < 20; i++) {
            Files.writeString(p, "{\"cells\":[" + "1,".repeat(i) + "0]}");
            Thread.sleep(5);
        }
        awaitTrue(() -> index.has("alice", "notebooks/saved.ipynb"));
        Thread.sleep(1000);
        assertThat(index.putsOf("alice", "notebooks/saved.ipynb")).isEqualTo(1);
    }

    @Test
    void aJupyterStyleAtomicSaveIsOneUpdateAndItsHiddenTemporaryFileIsNeverIndexed() throws Exception {
        Path tmp = homes.resolve("alice/notebooks/.~saved.ipynb");
        Files.writeString(tmp, "{\"cells\":[]}");
        Files.move(tmp, homes.resolve("alice/notebooks/saved.ipynb"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.createDirectories(homes.resolve("alice/notebooks/.ipynb_checkpoints"));
        Files.writeString(homes.resolve("alice/notebooks/.ipynb_checkpoints/saved-checkpoint.ipynb"), "{}");

        awaitTrue(() -> index.has("alice", "notebooks/saved.ipynb"));
        Thread.sleep(1000);
        assertThat(index.paths("alice")).containsExactly("notebooks/saved.ipynb");
        assertThat(index.putsOf("alice", "notebooks/saved.ipynb")).isEqualTo(1);
    }

    @Test
    void aLinkToOutsideTheHomesIsNeverFollowedNorWatched() throws Exception {
        Path outside = Files.createDirectories(data.resolve("outside/dir"));
        Files.writeString(outside.resolve("secret.txt"), "host secret");
        int watchedBefore = watcher.watchedFolders();

        Files.createSymbolicLink(homes.resolve("alice/escape"), outside);
        Files.createSymbolicLink(homes.resolve("alice/notebooks/secret-link.txt"), outside.resolve("secret.txt"));
        write("alice/marker.txt", "after the links");
        awaitTrue(() -> index.has("alice", "marker.txt"));
        Thread.sleep(500);
        Files.writeString(outside.resolve("more.txt"), "written outside after the link was planted");
        Thread.sleep(1000);

        assertThat(index.paths("alice")).containsExactly("marker.txt");
        assertThat(watcher.watchedFolders()).as("no folder behind the link is watched").isEqualTo(watchedBefore);
    }

    @Test
    void aFileReplacedByALinkIsRemoved() throws Exception {
        write("alice/swap.txt", "real");
        awaitTrue(() -> index.has("alice", "swap.txt"));

        Files.delete(homes.resolve("alice/swap.txt"));
        Files.createSymbolicLink(homes.resolve("alice/swap.txt"), Path.of("/etc/passwd"));

        awaitTrue(() -> !index.has("alice", "swap.txt"));
    }

    @Test
    void lostEventsLeadToAReconcileOfTheHomeThatFindsEverything() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        index.holdFirstPut = release;
        write("alice/first.txt", "holds the watcher");
        assertThat(index.firstPutEntered.await(5, TimeUnit.SECONDS)).isTrue();
        // The watcher is stuck in put: the JDK queues at most 512 events per folder, then signals OVERFLOW.
        Path many = Files.createDirectories(homes.resolve("alice/many"));
        for (int i = 0; i < 1500; i++) {
            Files.writeString(homes.resolve("alice/f" + i + ".txt"), "file " + i);
        }
        Files.writeString(many.resolve("inside.txt"), "in a folder created while events were lost");
        release.countDown();

        awaitTrue(() -> index.paths("alice").size() == 1502);
        assertThat(reconciled.get()).as("the overflow was repaired by a reconcile").isGreaterThanOrEqualTo(1);
        // And the folder made during the overflow is watched now.
        write("alice/many/after.txt", "after");
        awaitTrue(() -> index.has("alice", "many/after.txt"));
    }

    @Test
    void aNewHomeIsWatchedAndARemovedHomeDropsItsOwner() throws Exception {
        Files.createDirectories(homes.resolve("carol/work"));
        Files.writeString(homes.resolve("carol/work/c.txt"), "carol's");
        awaitTrue(() -> index.has("carol", "work/c.txt"));
        write("carol/work/d.txt", "later");
        awaitTrue(() -> index.has("carol", "work/d.txt"));

        Files.move(homes.resolve("carol"), homes.resolve(".deleting-carol"));

        awaitTrue(() -> !index.owners().contains("carol"));
    }

    @Test
    void whatTheHubReportsIsLookedAtAgain() throws Exception {
        write("bob/report.txt", "r");
        awaitTrue(() -> index.has("bob", "report.txt"));
        index.docs.get("bob").put(RelPath.parse("phantom.txt"), "\"stale\"");

        watcher.touched(at("bob", "phantom.txt"));

        awaitTrue(() -> !index.has("bob", "phantom.txt"));
    }

    private Location at(String owner, String path) {
        return new Location(owner, RelPath.parse(path));
    }

    private void write(String path, String content) throws Exception {
        Path p = homes.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + SOON.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + SOON);
            }
            Thread.sleep(20);
        }
    }
    /** A cap on watched folders gives up whole homes, as a refusal from the kernel does; the others stay watched. */
    @Test
    void homesBeyondTheFolderCapAreLeftToReconcile() throws Exception {
        try (HomeWatcher capped = new HomeWatcher(homes, store, new RecordingIndex(), owner -> { }, Duration.ofMillis(300), 2)) {
            capped.start();
            assertThat(capped.awaitWatching(SOON)).isTrue();
            // alice has two folders (her home and notebooks/), bob one: together they pass the cap of two
            assertThat(capped.unwatchedHomes()).hasSize(1);
            assertThat(capped.watchedFolders()).isLessThanOrEqualTo(2);
        }
    }
}
