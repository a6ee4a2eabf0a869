package org.labhub.podman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The image calls against a real Podman, on the busybox image the tests build. */
@ExtendWith(TestPodman.class)
class ImagesTest {
    private final Images images = TestPodman.client().images();

    @Test
    void anImageIsListedAndInspectedWithIdDigestSizeLabelsAndCreationTime() {
        ImageInfo inspected = images.inspect(TestPodman.IMAGE);

        assertThat(inspected.id()).matches("[0-9a-f]{64}");
        assertThat(inspected.digest()).matches("sha256:[0-9a-f]{64}");
        assertThat(inspected.names()).contains(TestPodman.IMAGE);
        assertThat(inspected.sizeBytes()).isGreaterThan(1_000_000);
        assertThat(inspected.labels()).containsEntry(TestPodman.LABEL, "1");
        assertThat(inspected.repoDigests()).contains("localhost/labhub-test/busybox@" + inspected.digest());
        assertThat(inspected.created()).get().satisfies(t -> assertThat(t).isBetween(Instant.now().minus(1, ChronoUnit.HOURS), Instant.now()));

        assertThat(images.list()).filteredOn(i -> i.id().equals(inspected.id())).singleElement().satisfies(listed -> {
            assertThat(listed.digest()).isEqualTo(inspected.digest());
            assertThat(listed.names()).isEqualTo(inspected.names());
            assertThat(listed.sizeBytes()).isEqualTo(inspected.sizeBytes());
            assertThat(listed.labels()).isEqualTo(inspected.labels());
            assertThat(listed.repoDigests()).isEqualTo(inspected.repoDigests());
            assertThat(listed.created()).get().isEqualTo(inspected.created().orElseThrow().truncatedTo(ChronoUnit.SECONDS));
        });
    }

    @Test
    void existsTellsKnownFromUnknownImages() {
        assertThat(images.exists(TestPodman.IMAGE)).isTrue();
        assertThat(images.exists(images.inspect(TestPodman.IMAGE).id())).isTrue();
        assertThat(images.exists("localhost/labhub-test/no-such-image:1")).isFalse();
    }

    @Test
    void aMissingImageIsNotFound() {
        assertThatThrownBy(() -> images.inspect("localhost/labhub-test/no-such-image:1"))
                .isInstanceOfSatisfying(PodmanException.NotFound.class, e -> assertThat(e.podmanCause()).isEqualTo("image not known"));
        assertThatThrownBy(() -> images.remove("localhost/labhub-test/no-such-image:1", true))
                .isInstanceOf(PodmanException.NotFound.class);
    }

    @Test
    void aSavedImageLoadsBackFromItsArchiveAndCanBeRemoved(@TempDir Path dir) throws Exception {
        String copy = "localhost/labhub-test/busybox:load";
        Path tar = dir.resolve("image.tar");
        TestPodman.run("podman", "tag", TestPodman.IMAGE, copy);
        TestPodman.run("podman", "save", "--format", "docker-archive", "-o", tar.toString(), copy);
        images.remove(copy, false);
        assertThat(images.exists(copy)).isFalse();

        assertThat(images.load(tar, Duration.ofMinutes(2))).containsExactly(copy);

        assertThat(images.exists(copy)).isTrue();
        assertThat(images.inspect(copy).labels()).containsEntry(TestPodman.LABEL, "1");
        images.remove(copy, false);
        assertThat(images.exists(copy)).isFalse();
        assertThat(images.exists(TestPodman.IMAGE)).isTrue();
    }

    @Test
    void anArchiveThatIsNoImageIsRefusedWithPodmansReason(@TempDir Path dir) throws Exception {
        Path notAnImage = Files.writeString(dir.resolve("notes.tar"), "not a tar at all");

        assertThatThrownBy(() -> images.load(notAnImage, Duration.ofMinutes(1)))
                .isInstanceOf(PodmanException.class)
                .hasMessageContaining("POST /images/load")
                .hasMessageContaining("payload does not match any of the supported image formats");
        assertThatThrownBy(() -> images.load(dir.resolve("missing.tar"), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.tar");
    }
}
