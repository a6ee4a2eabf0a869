package org.labhub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.labhub.storage.StoreFixture.at;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomeFileStoreUploadTest {
    @TempDir Path data;
    StoreFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new StoreFixture(data);
    }

    @Test
    void uploadCommitMakesTheFileAppearWithItsContent() throws Exception {
        Entry e = f.put(at("alice", "notes.txt"), "hello");
        assertThat(e.isFile()).isTrue();
        assertThat(e.size()).isEqualTo(5);
        assertThat(Files.readString(f.home("alice").resolve("notes.txt"))).isEqualTo("hello");
        assertThat(f.stagingCount()).isZero();
    }

    @Test
    void uploadWithOverwriteReplacesTheFile() throws Exception {
        f.put(at("alice", "a.txt"), "one");
        f.put(at("alice", "a.txt"), "two!");
        assertThat(f.read(at("alice", "a.txt"))).isEqualTo("two!");
    }

    @Test
    void uploadWithoutOverwriteOntoAFileIsRefusedWithExists() throws Exception {
        f.put(at("alice", "a.txt"), "one");
        try (Upload up = f.store.upload(at("alice", "a.txt"), -1)) {
            up.write(ByteBuffer.wrap(new byte[] {1, 2}));
            assertThatThrownBy(() -> up.commit(false)).isInstanceOf(FileError.class)
                    .extracting(e -> ((FileError) e).reason()).isEqualTo(FileError.Reason.EXISTS);
        }
        assertThat(f.read(at("alice", "a.txt"))).isEqualTo("one");
        assertThat(f.stagingCount()).isZero();
    }

    @Test
    void uploadOntoAFolderIsRefusedWithIsADirectory() throws Exception {
        f.store.mkdir(at("alice", "d"));
        assertThatThrownBy(() -> f.store.upload(at("alice", "d"), -1))
                .extracting(e -> ((FileError) e).reason()).isEqualTo(FileError.Reason.IS_A_DIRECTORY);
    }

    @Test
    void uploadWithoutAParentFolderIsRefusedWithParentMissing() {
        assertThatThrownBy(() -> f.store.upload(at("alice", "no/such.txt"), -1))
                .extracting(e -> ((FileError) e).reason()).isEqualTo(FileError.Reason.PARENT_MISSING);
    }

    @Test
    void abortedUploadLeavesNoStagingFileAndNoTarget() throws Exception {
        try (Upload up = f.store.upload(at("alice", "a.txt"), -1)) {
            up.write(ByteBuffer.wrap(new byte[100]));
            assertThat(f.stagingCount()).isEqualTo(1);
        }
        assertThat(f.stagingCount()).isZero();
        assertThat(Files.exists(f.home("alice").resolve("a.txt"))).isFalse();
    }

    @Test
    void stagingLeftoversFromACrashAreClearedOnConstruction() throws Exception {
        Files.writeString(f.staging.resolve("u-left-over"), "half");
        Files.createDirectories(f.staging.resolve("c-left/sub"));
        Files.createSymbolicLink(f.staging.resolve("c-left/sub/link"), f.outside);
        new HomeFileStore(f.homes, f.staging, f.trash, o -> 0, f.clock);
        assertThat(f.stagingCount()).isZero();
        assertThat(Files.exists(f.outside.resolve("secret.txt"))).isTrue();
    }

    @Test
    void constructionFailsClearlyWhenStagingIsOnAnotherFilesystemThanTheHomes() throws Exception {
        Path shm = Path.of("/dev/shm");
        Prerequisites.require(Files.isWritable(shm) && !Files.getFileStore(shm).equals(Files.getFileStore(data)),
                "needs /dev/shm writable and on another filesystem than the temp folder");
        Path elsewhere = Files.createTempDirectory(shm, "labhub-staging");
        try {
            assertThatThrownBy(() -> new HomeFileStore(f.homes, elsewhere, f.trash, o -> 0, f.clock))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("same filesystem").hasMessageContaining("EXDEV");
        } finally {
            FileTrees.delete(elsewhere);
        }
    }

    @Test
    void foldersNestedDeeperThanTheWalkLimitFailDeletionClearlyInsteadOfExhaustingTheStack() throws Exception {
        Path deep = f.home("alice").resolve("deep");
        Path p = deep;
        for (int i = 0; i < Trees.MAX_DEPTH + 5; i++) {
            p = p.resolve("d");
        }
        Files.createDirectories(p);
        Files.write(p.resolve("x"), new byte[7]);
        f.clock.advance(java.time.Duration.ofMinutes(2));
        assertThat(f.store.usage("alice").homeBytes()).isZero();
        assertThatThrownBy(() -> f.store.deletePermanently(at("alice", "deep")))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("nested");
        FileTrees.delete(deep);
    }

    @Test
    void etagChangesWhenTheContentChanges() throws Exception {
        String first = f.put(at("alice", "a.txt"), "one").etag();
        String second = f.put(at("alice", "a.txt"), "three").etag();
        assertThat(first).startsWith("\"").endsWith("\"").matches("\"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+\"");
        assertThat(second).isNotEqualTo(first);
        assertThat(f.store.stat(at("alice", "a.txt")).orElseThrow().etag()).isEqualTo(second);
    }

    @Test
    void mkdirMakesAFolderAndRefusesOneThatExists() throws Exception {
        Entry e = f.store.mkdir(at("alice", "d"));
        assertThat(e.isDirectory()).isTrue();
        assertThat(Files.isDirectory(f.home("alice").resolve("d"))).isTrue();
        assertThatThrownBy(() -> f.store.mkdir(at("alice", "d")))
                .extracting(x -> ((FileError) x).reason()).isEqualTo(FileError.Reason.EXISTS);
        assertThatThrownBy(() -> f.store.mkdir(at("alice", "x/y")))
                .extracting(x -> ((FileError) x).reason()).isEqualTo(FileError.Reason.PARENT_MISSING);
        assertThat(f.stagingCount()).isZero();
    }

    @Test
    void listStreamsEveryEntryWithItsKind() throws Exception {
        f.store.mkdir(at("alice", "d"));
        f.put(at("alice", "a.txt"), "abc");
        Files.createSymbolicLink(f.home("alice").resolve("link"), f.outside);
        List<Entry> seen = new ArrayList<>();
        f.store.list(at("alice", ""), seen::add);
        assertThat(seen).extracting(Entry::name, Entry::kind).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("d", Entry.Kind.DIRECTORY),
                org.assertj.core.groups.Tuple.tuple("a.txt", Entry.Kind.FILE),
                org.assertj.core.groups.Tuple.tuple("link", Entry.Kind.SYMLINK));
    }

    @Test
    void moveRenamesWithinAHomeAndRefusesAnExistingTargetWithoutOverwrite() throws Exception {
        f.put(at("alice", "a.txt"), "a");
        f.put(at("alice", "b.txt"), "b");
        assertThatThrownBy(() -> f.store.move(at("alice", "a.txt"), at("alice", "b.txt"), false))
                .extracting(x -> ((FileError) x).reason()).isEqualTo(FileError.Reason.EXISTS);
        f.store.move(at("alice", "a.txt"), at("alice", "b.txt"), true);
        assertThat(f.read(at("alice", "b.txt"))).isEqualTo("a");
        assertThat(f.store.stat(at("alice", "a.txt"))).isEmpty();
    }

    @Test
    void aFolderCannotBeMovedOrCopiedIntoItself() throws Exception {
        f.store.mkdir(at("alice", "d"));
        assertThatThrownBy(() -> f.store.move(at("alice", "d"), at("alice", "d/e"), false))
                .extracting(x -> ((FileError) x).reason()).isEqualTo(FileError.Reason.INTO_ITSELF);
        assertThatThrownBy(() -> f.store.copy(at("alice", "d"), at("alice", "d/e"), false, true))
                .extracting(x -> ((FileError) x).reason()).isEqualTo(FileError.Reason.INTO_ITSELF);
    }

    @Test
    void copyOfAFolderCopiesEverythingAndDepthZeroMakesAnEmptyFolder() throws Exception {
        f.store.mkdir(at("alice", "d"));
        f.store.mkdir(at("alice", "d/e"));
        f.put(at("alice", "d/e/x.txt"), "x");
        f.store.copy(at("alice", "d"), at("alice", "d2"), false, true);
        assertThat(f.read(at("alice", "d2/e/x.txt"))).isEqualTo("x");
        f.store.copy(at("alice", "d"), at("alice", "d3"), false, false);
        List<Entry> inside = new ArrayList<>();
        f.store.list(at("alice", "d3"), inside::add);
        assertThat(inside).isEmpty();
        assertThat(f.stagingCount()).isZero();
    }

    @Test
    void copyOfAFileOverAnExistingOneNeedsOverwrite() throws Exception {
        f.put(at("alice", "a.txt"), "a");
        f.put(at("alice", "b.txt"), "b");
        assertThatThrownBy(() -> f.store.copy(at("alice", "a.txt"), at("alice", "b.txt"), false, true))
                .extracting(x -> ((FileError) x).reason()).isEqualTo(FileError.Reason.EXISTS);
        f.store.copy(at("alice", "a.txt"), at("alice", "b.txt"), true, true);
        assertThat(f.read(at("alice", "b.txt"))).isEqualTo("a");
        assertThat(f.read(at("alice", "a.txt"))).isEqualTo("a");
    }

    @Test
    void deletePermanentlyRemovesAFolderWithEverythingInIt() throws Exception {
        f.store.mkdir(at("alice", "d"));
        f.put(at("alice", "d/x.txt"), "x");
        f.store.deletePermanently(at("alice", "d"));
        assertThat(Files.exists(f.home("alice").resolve("d"))).isFalse();
        assertThatThrownBy(() -> f.store.deletePermanently(at("alice", "d")))
                .extracting(x -> ((FileError) x).reason()).isEqualTo(FileError.Reason.NOT_FOUND);
    }

    @Test
    void openReadOfAFolderIsRefusedAndOfAMissingFileIsNotFound() throws Exception {
        f.store.mkdir(at("alice", "d"));
        assertThatThrownBy(() -> f.store.openRead(at("alice", "d")))
                .extracting(x -> ((FileError) x).reason()).isEqualTo(FileError.Reason.IS_A_DIRECTORY);
        assertThatThrownBy(() -> f.store.openRead(at("alice", "nope/x")))
                .extracting(x -> ((FileError) x).reason()).isEqualTo(FileError.Reason.NOT_FOUND);
    }
}
