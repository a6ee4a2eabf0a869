package org.labhub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.labhub.storage.StoreFixture.at;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the hub writes into a home belongs to that home's user (their container's uid), whichever way it arrives. */
class FileOwnersTest {
    private static final Map<String, Long> UIDS = Map.of("alice", 1_073_742_824L, "bob", 1_073_808_360L);

    @TempDir
    Path data;
    private StoreFixture f;
    private HomeFileStore store;

    @BeforeEach
    void setUp() throws IOException {
        Prerequisites.require("root".equals(System.getProperty("user.name")), "changing owners needs root, as the hub has");
        f = new StoreFixture(data);
        store = new HomeFileStore(f.homes, f.staging, f.trash, o -> 0L, o -> OptionalLong.of(UIDS.get(o)), f.clock);
    }

    @Test
    void uploadsFoldersCopiesAndMovesBelongToTheHomesUser() throws IOException {
        try (Upload up = store.upload(at("alice", "a.txt"), -1)) {
            up.write(java.nio.ByteBuffer.wrap("x".getBytes()));
            up.commit(false);
        }
        store.mkdir(at("alice", "dir"));
        try (Upload up = store.upload(at("alice", "dir/in.txt"), -1)) {
            up.write(java.nio.ByteBuffer.wrap("y".getBytes()));
            up.commit(false);
        }
        store.copy(at("alice", "dir"), at("bob", "copied"), false, true);
        store.move(at("alice", "a.txt"), at("bob", "moved.txt"), false);

        assertThat(uid(f.home("alice").resolve("dir"))).isEqualTo(UIDS.get("alice"));
        assertThat(uid(f.home("alice").resolve("dir/in.txt"))).isEqualTo(UIDS.get("alice"));
        assertThat(uid(f.home("bob").resolve("copied"))).isEqualTo(UIDS.get("bob"));
        assertThat(uid(f.home("bob").resolve("copied/in.txt"))).isEqualTo(UIDS.get("bob"));
        assertThat(uid(f.home("bob").resolve("moved.txt"))).isEqualTo(UIDS.get("bob"));
        assertThat(Files.readString(f.home("bob").resolve("moved.txt"))).isEqualTo("x");
        assertThat(f.staging).isEmptyDirectory();
    }

    private static long uid(Path p) throws IOException {
        return ((Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS)) & 0xffffffffL;
    }
}
