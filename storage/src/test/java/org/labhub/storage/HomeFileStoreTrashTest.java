package org.labhub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.labhub.storage.StoreFixture.at;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomeFileStoreTrashTest {
    @TempDir Path data;
    StoreFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new StoreFixture(data);
    }

    @Test
    void trashMovesTheItemOutOfTheHomeAndRecordsWhereItWas() throws Exception {
        f.store.mkdir(at("alice", "d"));
        f.put(at("alice", "d/a.txt"), "abc");
        TrashItem t = f.store.trash(at("alice", "d/a.txt"));
        assertThat(t.originalPath()).isEqualTo(RelPath.parse("d/a.txt"));
        assertThat(t.kind()).isEqualTo(Entry.Kind.FILE);
        assertThat(t.sizeBytes()).isEqualTo(3);
        assertThat(t.deletedAt()).isEqualTo(f.clock.instant());
        assertThat(f.store.stat(at("alice", "d/a.txt"))).isEmpty();
        assertThat(f.store.trashed("alice")).containsExactly(t);
        assertThat(f.store.usage("alice")).isEqualTo(new Usage(0, 3, 0));
    }

    @Test
    void restorePutsTheItemBackAtItsOriginalPath() throws Exception {
        f.store.mkdir(at("alice", "d"));
        f.put(at("alice", "d/x.txt"), "x");
        TrashItem t = f.store.trash(at("alice", "d"));
        Location back = f.store.restore("alice", t.id(), Optional.empty());
        assertThat(back).isEqualTo(at("alice", "d"));
        assertThat(f.read(at("alice", "d/x.txt"))).isEqualTo("x");
        assertThat(f.store.trashed("alice")).isEmpty();
        assertThat(f.store.usage("alice")).isEqualTo(new Usage(1, 0, 0));
    }

    @Test
    void restoreCanPutTheItemAtAnotherPath() throws Exception {
        f.put(at("alice", "a.txt"), "a");
        TrashItem t = f.store.trash(at("alice", "a.txt"));
        f.store.restore("alice", t.id(), Optional.of(RelPath.parse("b.txt")));
        assertThat(f.read(at("alice", "b.txt"))).isEqualTo("a");
        assertThat(f.store.stat(at("alice", "a.txt"))).isEmpty();
    }

    @Test
    void restoreOntoSomethingThatExistsIsRefusedAndKeepsTheItemInTheTrash() throws Exception {
        f.put(at("alice", "a.txt"), "old");
        TrashItem t = f.store.trash(at("alice", "a.txt"));
        f.put(at("alice", "a.txt"), "new");
        assertThatThrownBy(() -> f.store.restore("alice", t.id(), Optional.empty()))
                .extracting(e -> ((FileError) e).reason()).isEqualTo(FileError.Reason.EXISTS);
        assertThat(f.store.trashed("alice")).containsExactly(t);
        assertThat(f.read(at("alice", "a.txt"))).isEqualTo("new");
    }

    @Test
    void restoreOfAnUnknownIdIsNotFound() {
        assertThatThrownBy(() -> f.store.restore("alice", "nope", Optional.empty()))
                .extracting(e -> ((FileError) e).reason()).isEqualTo(FileError.Reason.NOT_FOUND);
        assertThatThrownBy(() -> f.store.restore("alice", "../bob", Optional.empty()))
                .extracting(e -> ((FileError) e).reason()).isEqualTo(FileError.Reason.NOT_FOUND);
    }

    @Test
    void trashedListsNewestFirst() throws Exception {
        f.put(at("alice", "a.txt"), "a");
        f.put(at("alice", "b.txt"), "b");
        TrashItem first = f.store.trash(at("alice", "a.txt"));
        f.clock.advance(Duration.ofMinutes(1));
        TrashItem second = f.store.trash(at("alice", "b.txt"));
        assertThat(f.store.trashed("alice")).containsExactly(second, first);
    }

    @Test
    void purgeDeletesOnlyItemsOlderThanTheAge() throws Exception {
        f.put(at("alice", "old.txt"), "o");
        f.put(at("bob", "older.txt"), "o");
        f.store.trash(at("alice", "old.txt"));
        f.store.trash(at("bob", "older.txt"));
        f.clock.advance(Duration.ofDays(31));
        f.put(at("alice", "new.txt"), "n");
        TrashItem fresh = f.store.trash(at("alice", "new.txt"));
        assertThat(f.store.purgeTrash(Duration.ofDays(30))).isEqualTo(2);
        assertThat(f.store.trashed("alice")).containsExactly(fresh);
        assertThat(f.store.trashed("bob")).isEmpty();
    }

    @Test
    void emptyTrashDeletesOneItemOrAll() throws Exception {
        f.put(at("alice", "a.txt"), "a");
        f.put(at("alice", "b.txt"), "bb");
        TrashItem a = f.store.trash(at("alice", "a.txt"));
        TrashItem b = f.store.trash(at("alice", "b.txt"));
        f.store.emptyTrash("alice", Optional.of(a.id()));
        assertThat(f.store.trashed("alice")).containsExactly(b);
        f.store.emptyTrash("alice", Optional.empty());
        assertThat(f.store.trashed("alice")).isEmpty();
        assertThat(f.store.usage("alice").usedBytes()).isZero();
        try (var left = Files.list(f.trash.resolve("alice"))) {
            assertThat(left).isEmpty();
        }
    }
}
