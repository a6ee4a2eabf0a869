package org.labhub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.labhub.storage.StoreFixture.at;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A container may plant a symbolic link anywhere in its home at any moment; the hub must never follow one. */
class HomeFileStoreSymlinkTest {
    @TempDir Path data;
    StoreFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new StoreFixture(data);
        Files.createSymbolicLink(f.home("alice").resolve("link"), f.outside);
        Files.createSymbolicLink(f.home("alice").resolve("file-link"), f.outside.resolve("secret.txt"));
    }

    @AfterEach
    void outsideIsUntouched() throws Exception {
        try (Stream<Path> s = Files.list(f.outside)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("secret.txt");
        }
        assertThat(Files.readString(f.outside.resolve("secret.txt"))).isEqualTo("secret");
    }

    private static void refused(ThrowingCallable call, FileError.Reason reason) {
        assertThatThrownBy(call).isInstanceOf(FileError.class).extracting(e -> ((FileError) e).reason()).isEqualTo(reason);
    }

    @Test
    void statReportsALinkInTheLastSegmentAsALinkAndSeesNothingThroughAnIntermediateLink() throws Exception {
        assertThat(f.store.stat(at("alice", "file-link")).orElseThrow().kind()).isEqualTo(Entry.Kind.SYMLINK);
        assertThat(f.store.stat(at("alice", "link")).orElseThrow().kind()).isEqualTo(Entry.Kind.SYMLINK);
        assertThat(f.store.stat(at("alice", "link/secret.txt"))).isEmpty();
    }

    @Test
    void listRefusesAFolderThatIsALinkOrReachedThroughOne() throws Exception {
        refused(() -> f.store.list(at("alice", "link"), e -> {}), FileError.Reason.SYMLINK);
        refused(() -> f.store.list(at("alice", "link/sub"), e -> {}), FileError.Reason.SYMLINK);
    }

    @Test
    void openReadRefusesALinkAsTheFileAndAsAFolderOnTheWay() {
        refused(() -> f.store.openRead(at("alice", "file-link")), FileError.Reason.SYMLINK);
        refused(() -> f.store.openRead(at("alice", "link/secret.txt")), FileError.Reason.SYMLINK);
    }

    @Test
    void uploadThroughAnIntermediateLinkIsRefusedAndWritesNothingOutside() throws Exception {
        refused(() -> f.store.upload(at("alice", "link/new.txt"), -1), FileError.Reason.SYMLINK);
        assertThat(f.stagingCount()).isZero();
    }

    @Test
    void uploadOverALinkReplacesTheLinkNeverItsTarget() throws Exception {
        try (Upload up = f.store.upload(at("alice", "file-link"), -1)) {
            up.write(ByteBuffer.wrap("mine".getBytes()));
            refused(() -> up.commit(false), FileError.Reason.EXISTS);
        }
        f.put(at("alice", "file-link"), "mine");
        assertThat(Files.isSymbolicLink(f.home("alice").resolve("file-link"))).isFalse();
        assertThat(Files.readString(f.home("alice").resolve("file-link"))).isEqualTo("mine");
    }

    @Test
    void mkdirRefusesALinkAtTheNameAndThroughAParentLink() {
        refused(() -> f.store.mkdir(at("alice", "link")), FileError.Reason.EXISTS);
        refused(() -> f.store.mkdir(at("alice", "link/made")), FileError.Reason.SYMLINK);
    }

    @Test
    void moveNeverGoesThroughALinkButMayRenameTheLinkItself() throws Exception {
        f.put(at("alice", "a.txt"), "a");
        refused(() -> f.store.move(at("alice", "link/secret.txt"), at("alice", "stolen.txt"), false), FileError.Reason.SYMLINK);
        refused(() -> f.store.move(at("alice", "a.txt"), at("alice", "link/a.txt"), false), FileError.Reason.SYMLINK);
        f.store.move(at("alice", "link"), at("alice", "renamed-link"), false);
        assertThat(Files.isSymbolicLink(f.home("alice").resolve("renamed-link"))).isTrue();
    }

    @Test
    void copyRefusesALinkAsSourceOrOnTheWayAndSkipsLinksInsideAFolder() throws Exception {
        refused(() -> f.store.copy(at("alice", "file-link"), at("alice", "copy.txt"), false, true), FileError.Reason.SYMLINK);
        refused(() -> f.store.copy(at("alice", "link/secret.txt"), at("alice", "copy.txt"), false, true), FileError.Reason.SYMLINK);
        f.put(at("alice", "a.txt"), "a");
        refused(() -> f.store.copy(at("alice", "a.txt"), at("alice", "link/a.txt"), false, true), FileError.Reason.SYMLINK);
        f.store.mkdir(at("alice", "d"));
        Files.createSymbolicLink(f.home("alice").resolve("d/inner-link"), f.outside);
        f.put(at("alice", "d/real.txt"), "r");
        f.store.copy(at("alice", "d"), at("bob", "d"), false, true);
        List<String> names = new ArrayList<>();
        f.store.list(at("bob", "d"), e -> names.add(e.name()));
        assertThat(names).containsExactly("real.txt");
    }

    @Test
    void trashAndDeleteOfALinkRemoveTheLinkOnly() throws Exception {
        refused(() -> f.store.trash(at("alice", "link/secret.txt")), FileError.Reason.SYMLINK);
        refused(() -> f.store.deletePermanently(at("alice", "link/secret.txt")), FileError.Reason.SYMLINK);
        TrashItem t = f.store.trash(at("alice", "link"));
        assertThat(t.kind()).isEqualTo(Entry.Kind.SYMLINK);
        f.store.emptyTrash("alice", Optional.empty());
        f.store.deletePermanently(at("alice", "file-link"));
        assertThat(Files.exists(f.home("alice").resolve("file-link"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void deletePermanentlyOfAFolderWithALinkToAnOutsideFolderDeletesTheLinkAndLeavesTheOutsideIntact() throws Exception {
        f.store.mkdir(at("alice", "d"));
        f.store.mkdir(at("alice", "d/e"));
        Files.createSymbolicLink(f.home("alice").resolve("d/e/out"), f.outside);
        f.store.deletePermanently(at("alice", "d"));
        assertThat(Files.exists(f.home("alice").resolve("d"))).isFalse();
    }

    @Test
    void emptyingTheTrashOfAFolderWithALinkInsideLeavesTheOutsideIntact() throws Exception {
        f.store.mkdir(at("alice", "d"));
        Files.createSymbolicLink(f.home("alice").resolve("d/out"), f.outside);
        f.store.trash(at("alice", "d"));
        assertThat(f.store.purgeTrash(java.time.Duration.ZERO.minusSeconds(1))).isEqualTo(1);
    }

    @Test
    void usageCountsNeitherLinksNorWhatTheyPointAt() throws Exception {
        Files.write(f.outside.resolve("../big.bin"), new byte[100_000]);
        Files.createSymbolicLink(f.home("alice").resolve("big-link"), f.outside.resolve("../big.bin"));
        f.put(at("alice", "a.txt"), "12345");
        assertThat(f.store.usage("alice").homeBytes()).isEqualTo(5);
        Files.delete(f.home("alice").resolve("big-link"));
        Files.delete(f.outside.resolve("../big.bin"));
    }

    @Test
    void anUploadWhoseFolderIsSwappedForALinkMidwayLandsInTheOriginalFolder() throws Exception {
        f.store.mkdir(at("alice", "sub"));
        Path sub = f.home("alice").resolve("sub");
        try (Upload up = f.store.upload(at("alice", "sub/x.txt"), -1)) {
            up.write(ByteBuffer.wrap("x".getBytes()));
            Files.move(sub, f.home("alice").resolve("sub-old"));
            Files.createSymbolicLink(sub, f.outside);
            up.commit(false);
        }
        assertThat(Files.readString(f.home("alice").resolve("sub-old/x.txt"))).isEqualTo("x");
        refused(() -> f.store.openRead(at("alice", "sub/x.txt")), FileError.Reason.SYMLINK);
    }

    @Test
    void aFolderSwappedForALinkBetweenTwoCallsIsRefusedByTheSecond() throws Exception {
        f.store.mkdir(at("alice", "sub"));
        f.put(at("alice", "sub/x.txt"), "x");
        List<String> first = new ArrayList<>();
        f.store.list(at("alice", "sub"), e -> first.add(e.name()));
        assertThat(first).containsExactly("x.txt");
        Files.move(f.home("alice").resolve("sub"), f.home("alice").resolve("sub-old"));
        Files.createSymbolicLink(f.home("alice").resolve("sub"), f.outside);
        refused(() -> f.store.list(at("alice", "sub"), e -> {}), FileError.Reason.SYMLINK);
        assertThat(f.store.stat(at("alice", "sub/secret.txt"))).isEmpty();
        refused(() -> f.store.openRead(at("alice", "sub/secret.txt")), FileError.Reason.SYMLINK);
        refused(() -> f.store.copy(at("alice", "sub"), at("alice", "copy"), false, true), FileError.Reason.SYMLINK);
        refused(() -> f.store.deletePermanently(at("alice", "sub/secret.txt")), FileError.Reason.SYMLINK);
    }

    @Test
    void aFolderSwappedBackAndForthWithALinkNeverLetsAWriteOrDeleteEscape() throws Exception {
        Path d = f.home("alice").resolve("d");
        Path real = f.home("alice").resolve("d-real");
        Files.createDirectories(real);
        Path swapLink = f.home("alice").resolve("d-link");
        Files.createSymbolicLink(swapLink, f.outside);
        AtomicBoolean stop = new AtomicBoolean();
        Thread container = new Thread(() -> {
            boolean isLink = false;
            try {
                Files.move(real, d);
                while (!stop.get()) {
                    // atomic swap: rename the other one over d (a link replaces the folder name and back)
                    if (isLink) {
                        Files.move(d, swapLink);
                        Files.move(real, d, StandardCopyOption.ATOMIC_MOVE);
                    } else {
                        Files.move(d, real);
                        Files.move(swapLink, d, StandardCopyOption.ATOMIC_MOVE);
                    }
                    isLink = !isLink;
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        container.start();
        long until = System.nanoTime() + 700_000_000L;
        int attempts = 0;
        while (System.nanoTime() < until) {
            attempts++;
            try {
                f.put(at("alice", "d/w.txt"), "w");
            } catch (FileError | RuntimeException ignored) {
                // refused while it was a link, or the folder moved away mid-walk
            } catch (java.io.IOException ignored) {
                // the rename target vanished while the container swapped it
            }
            try {
                f.store.mkdir(at("alice", "d/m" + attempts));
            } catch (java.io.IOException ignored) {
                // same
            }
            try {
                f.store.deletePermanently(at("alice", "d/secret.txt"));
            } catch (java.io.IOException ignored) {
                // same
            }
            try {
                f.store.trash(at("alice", "d/secret.txt"));
            } catch (java.io.IOException ignored) {
                // same
            }
        }
        stop.set(true);
        container.join();
        assertThat(attempts).isGreaterThan(10);
    }
}
