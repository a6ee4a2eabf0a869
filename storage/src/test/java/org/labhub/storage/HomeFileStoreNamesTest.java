package org.labhub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.labhub.storage.StoreFixture.at;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomeFileStoreNamesTest {
    /** 127 two-byte characters and one ASCII letter: exactly 255 UTF-8 bytes. */
    static final String LONGEST = "é".repeat(127) + "a";

    @TempDir Path data;
    StoreFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new StoreFixture(data);
    }

    @Test
    void theLongestNameIsExactly255Bytes() {
        assertThat(LONGEST.getBytes(StandardCharsets.UTF_8)).hasSize(255);
    }

    @ParameterizedTest
    @ValueSource(strings = {"strängé", "file #2.txt", "नेपाली", "éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééa"})
    void oddNamesRoundTripThroughUploadListMoveCopyAndTrash(String name) throws Exception {
        f.store.mkdir(at("alice", name));
        f.put(at("alice", name + "/" + name), "content of " + name);
        List<String> listed = new ArrayList<>();
        f.store.list(at("alice", name), e -> listed.add(e.name()));
        assertThat(listed).containsExactly(name);
        assertThat(f.read(at("alice", name + "/" + name))).isEqualTo("content of " + name);
        assertThat(Files.exists(f.home("alice").resolve(name).resolve(name))).isTrue();
        f.store.copy(at("alice", name), at("bob", name), false, true);
        f.store.move(at("bob", name + "/" + name), at("bob", name + "/moved"), false);
        TrashItem t = f.store.trash(at("alice", name));
        assertThat(f.store.trashed("alice").get(0).originalPath().name()).isEqualTo(name);
        f.store.restore("alice", t.id(), Optional.empty());
        assertThat(f.read(at("alice", name + "/" + name))).isEqualTo("content of " + name);
    }

    @Test
    void aNameOnDiskThatIsNotUtf8IsSkippedByListButCountedAndDeleted() throws Exception {
        f.store.mkdir(at("alice", "d"));
        f.put(at("alice", "d/ok.txt"), "ok");
        Path dir = f.home("alice").resolve("d");
        Process p = new ProcessBuilder("sh", "-c", "printf 'xyz' > \"$(printf 'bad\\377name')\"").directory(dir.toFile()).start();
        assertThat(p.waitFor()).isZero();
        try (var s = Files.list(dir)) {
            assertThat(s.count()).isEqualTo(2);
        }
        List<String> listed = new ArrayList<>();
        f.store.list(at("alice", "d"), e -> listed.add(e.name()));
        assertThat(listed).containsExactly("ok.txt");
        f.clock.advance(java.time.Duration.ofMinutes(2));
        assertThat(f.store.usage("alice").homeBytes()).isEqualTo(5);
        f.store.deletePermanently(at("alice", "d"));
        assertThat(Files.exists(dir)).isFalse();
    }
}
