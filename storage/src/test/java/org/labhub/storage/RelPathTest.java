package org.labhub.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RelPathTest {
    @ParameterizedTest
    @ValueSource(strings = {"..", "a/../b", "../etc/passwd", "a/./b", ".", "a\\b", "..\\x", "a\u0000b"})
    void traversalAndForbiddenCharactersAreRefused(String path) {
        assertThatThrownBy(() -> RelPath.parse(path)).isInstanceOf(RelPath.BadPath.class);
    }

    @Test
    void aNameOf256BytesIsRefusedAndOf255Accepted() {
        assertThatThrownBy(() -> RelPath.parse("é".repeat(128))).isInstanceOf(RelPath.BadPath.class);
        assertThat(RelPath.parse("é".repeat(127) + "a").name()).hasSize(128);
        assertThatThrownBy(() -> RelPath.parse("a".repeat(256))).isInstanceOf(RelPath.BadPath.class);
    }

    @Test
    void slashesAtTheEdgesAndDoubledAreIgnored() {
        assertThat(RelPath.parse("/a//b/")).isEqualTo(RelPath.parse("a/b"));
        assertThat(RelPath.parse("/").isRoot()).isTrue();
        assertThat(RelPath.parse("a/b").toString()).isEqualTo("a/b");
    }

    @Test
    void unicodeNamesAreKeptAsGiven() {
        assertThat(RelPath.parse("strängé/नेपाली/file #2.txt").names()).containsExactly("strängé", "नेपाली", "file #2.txt");
    }

    @Test
    void aLoneSurrogateOrReplacementCharacterIsRefused() {
        assertThatThrownBy(() -> RelPath.parse("a\uD800b")).isInstanceOf(RelPath.BadPath.class);
        assertThatThrownBy(() -> RelPath.parse("a\uFFFDb")).isInstanceOf(RelPath.BadPath.class);
    }

    @Test
    void pathsDeeperThanTheLimitAreRefused() {
        assertThatThrownBy(() -> RelPath.parse("a/".repeat(RelPath.MAX_DEPTH + 1))).isInstanceOf(RelPath.BadPath.class);
    }

    @Test
    void startsWithComparesWholeNames() {
        assertThat(RelPath.parse("ab/c").startsWith(RelPath.parse("a"))).isFalse();
        assertThat(RelPath.parse("a/c").startsWith(RelPath.parse("a"))).isTrue();
    }
}
