package org.labhub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.labhub.storage.StoreFixture.at;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomeFileStoreQuotaTest {
    @TempDir Path data;
    StoreFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new StoreFixture(data);
    }

    private static FileError.Reason reasonOf(Throwable e) {
        return ((FileError) e).reason();
    }

    @Test
    void anUploadThatPassesTheQuotaMidStreamIsRefusedAndLeavesNothing() throws Exception {
        f.quotas.put("alice", 1000L);
        try (Upload up = f.store.upload(at("alice", "big.bin"), -1)) {
            up.write(ByteBuffer.wrap(new byte[600]));
            assertThatThrownBy(() -> up.write(ByteBuffer.wrap(new byte[600])))
                    .extracting(HomeFileStoreQuotaTest::reasonOf).isEqualTo(FileError.Reason.QUOTA_EXCEEDED);
            assertThat(f.stagingCount()).isZero();
            assertThatThrownBy(() -> up.commit(true)).isInstanceOf(java.io.IOException.class);
        }
        assertThat(f.store.stat(at("alice", "big.bin"))).isEmpty();
        assertThat(f.stagingCount()).isZero();
    }

    @Test
    void anUploadAnnouncedTooBigIsRefusedBeforeAnyByte() throws Exception {
        f.quotas.put("alice", 1000L);
        assertThatThrownBy(() -> f.store.upload(at("alice", "big.bin"), 1001))
                .extracting(HomeFileStoreQuotaTest::reasonOf).isEqualTo(FileError.Reason.QUOTA_EXCEEDED);
        assertThat(f.stagingCount()).isZero();
    }

    @Test
    void overwritingAFileCountsOnlyTheDifference() throws Exception {
        f.quotas.put("alice", 1000L);
        f.put(at("alice", "a.bin"), "x".repeat(800));
        f.put(at("alice", "a.bin"), "y".repeat(900));
        assertThat(f.store.usage("alice")).isEqualTo(new Usage(900, 0, 1000));
    }

    @Test
    void theTrashCountsAgainstTheQuota() throws Exception {
        f.quotas.put("alice", 1000L);
        f.put(at("alice", "a.bin"), "x".repeat(800));
        f.store.trash(at("alice", "a.bin"));
        assertThatThrownBy(() -> f.store.upload(at("alice", "b.bin"), 300))
                .extracting(HomeFileStoreQuotaTest::reasonOf).isEqualTo(FileError.Reason.QUOTA_EXCEEDED);
    }

    @Test
    void aCopyIntoAnotherOwnersHomeThatDoesNotFitIsRefusedWithNothingPartial() throws Exception {
        f.quotas.put("bob", 1000L);
        f.store.mkdir(at("alice", "d"));
        f.put(at("alice", "d/a.bin"), "x".repeat(600));
        f.put(at("alice", "d/b.bin"), "x".repeat(600));
        assertThatThrownBy(() -> f.store.copy(at("alice", "d"), at("bob", "d"), false, true))
                .extracting(HomeFileStoreQuotaTest::reasonOf).isEqualTo(FileError.Reason.QUOTA_EXCEEDED);
        assertThat(f.store.stat(at("bob", "d"))).isEmpty();
        assertThat(f.stagingCount()).isZero();
        f.store.copy(at("alice", "d/a.bin"), at("bob", "a.bin"), false, true);
        assertThat(f.store.usage("bob").homeBytes()).isEqualTo(600);
    }

    @Test
    void aMoveIntoAnotherOwnersHomeThatDoesNotFitIsRefusedAndTheSourceStays() throws Exception {
        f.quotas.put("bob", 1000L);
        f.put(at("alice", "a.bin"), "x".repeat(1200));
        assertThatThrownBy(() -> f.store.move(at("alice", "a.bin"), at("bob", "a.bin"), false))
                .extracting(HomeFileStoreQuotaTest::reasonOf).isEqualTo(FileError.Reason.QUOTA_EXCEEDED);
        assertThat(f.store.stat(at("alice", "a.bin"))).isPresent();
        assertThat(f.store.stat(at("bob", "a.bin"))).isEmpty();
        f.quotas.put("bob", 2000L);
        f.store.move(at("alice", "a.bin"), at("bob", "a.bin"), false);
        assertThat(f.store.usage("bob").homeBytes()).isEqualTo(1200);
        assertThat(f.store.usage("alice").homeBytes()).isZero();
    }

    @Test
    void usageIsCountedAgainAfterSixtySecondsToSeeWhatContainersWrote() throws Exception {
        assertThat(f.store.usage("alice").homeBytes()).isZero();
        Files.write(f.home("alice").resolve("from-container.bin"), new byte[500]);
        assertThat(f.store.usage("alice").homeBytes()).isZero();
        f.clock.advance(Duration.ofSeconds(61));
        assertThat(f.store.usage("alice").homeBytes()).isEqualTo(500);
    }

    @Test
    void countingAHomeOfTenThousandFilesWalksThemAllQuickly() throws Exception {
        Path home = f.home("alice");
        for (int d = 0; d < 100; d++) {
            Path dir = Files.createDirectory(home.resolve("d" + d));
            for (int i = 0; i < 100; i++) {
                Files.write(dir.resolve("f" + i), new byte[] {1, 2, 3});
            }
        }
        long best = Long.MAX_VALUE;
        long first = 0;
        for (int round = 0; round < 3; round++) {
            f.clock.advance(Duration.ofMinutes(2));
            long t0 = System.nanoTime();
            assertThat(f.store.usage("alice").homeBytes()).isEqualTo(30_000);
            long took = System.nanoTime() - t0;
            first = round == 0 ? took : first;
            best = Math.min(best, took);
        }
        System.out.println("usage walk of 10,000 files in 100 folders: first " + first / 1_000_000 + " ms, best of 3 "
                + best / 1_000_000 + " ms");
        assertThat(Duration.ofNanos(best)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void listingAFolderOfTenThousandFilesStreamsEveryEntry() throws Exception {
        Path dir = Files.createDirectory(f.home("alice").resolve("many"));
        for (int i = 0; i < 10_000; i++) {
            Files.write(dir.resolve("f" + i), new byte[] {1});
        }
        long[] seen = new long[1];
        long t0 = System.nanoTime();
        f.store.list(at("alice", "many"), e -> seen[0]++);
        System.out.println("list of 10,000 entries: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertThat(seen[0]).isEqualTo(10_000);
    }
}
