package org.labhub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomesTest {
    @TempDir Path root;

    @Test
    void transferMovesTheWholeHomeIntoTheRecipientsHome() throws Exception {
        Homes homes = new Homes(root);
        Files.writeString(homes.create("alice").resolve("notes.txt"), "hello");
        Path moved = homes.transfer("alice", "bob");
        assertThat(homes.exists("alice")).isFalse();
        assertThat(moved.getParent()).isEqualTo(homes.of("bob"));
        assertThat(Files.readString(moved.resolve("notes.txt"))).isEqualTo("hello");
    }

    @Test
    void deleteRemovesTheHomeAndLeavesNothingBehind() throws Exception {
        Homes homes = new Homes(root);
        Path home = homes.create("carol");
        Files.createDirectories(home.resolve("a/b"));
        Files.writeString(home.resolve("a/b/c.txt"), "x");
        homes.delete("carol");
        try (var left = Files.list(root)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void pathsThatEscapeTheHomesFolderAreRefused() {
        Homes homes = new Homes(root);
        assertThatThrownBy(() -> homes.of("../etc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> homes.of("a/b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void atomicWriteReplacesContentAndLeavesNoTempFiles() throws Exception {
        Path f = root.resolve("secret");
        AtomicFiles.writePrivate(f, "one".getBytes());
        AtomicFiles.writePrivate(f, "two".getBytes());
        assertThat(Files.readString(f)).isEqualTo("two");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        try (var left = Files.list(root)) {
            assertThat(left).containsExactly(f);
        }
    }
}
