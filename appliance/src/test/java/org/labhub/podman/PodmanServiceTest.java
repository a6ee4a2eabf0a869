package org.labhub.podman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Finding Podman, running it, and saying clearly when it is not there. */
@ExtendWith(TestPodman.class)
class PodmanServiceTest {

    private static void await(Supplier<Boolean> condition, Duration timeout, String what) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.get()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError(what + " within " + timeout);
            }
            Thread.sleep(25);
        }
    }

    @Test
    void podmanAnswersPingAndNamesItsVersionAndRuntime() {
        PodmanClient client = TestPodman.client();
        client.ping();

        PodmanVersion v = client.version();

        assertThat(v.version()).startsWith("4.");
        assertThat(v.apiVersion()).startsWith("4.");
        assertThat(v.ociRuntime()).startsWith("runc version");
    }

    @Test
    void aServiceLabhubStartsIsStoppedWithItsSocketOnClose(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("run/podman/podman.sock");
        PodmanService service = PodmanService.own(socket, "runc", "podman");
        long pid;
        try {
            assertThat(service.awaitReady(Duration.ofSeconds(20))).isTrue();
            assertThat(service.health()).isEqualTo("ok");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
            pid = service.ownPid().orElseThrow();
        } finally {
            service.close();
        }

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(socket).doesNotExist();
    }

    @Test
    void aServiceThatDiesIsReportedAndStartedAgain(@TempDir Path dir) throws Exception {
        try (PodmanService service = PodmanService.own(dir.resolve("podman.sock"), "runc", "podman")) {
            assertThat(service.awaitReady(Duration.ofSeconds(20))).isTrue();
            long first = service.ownPid().orElseThrow();

            ProcessHandle.of(first).orElseThrow().destroyForcibly();

            await(() -> service.health().startsWith("service exited (code"), Duration.ofSeconds(5), "the death is reported");
            await(() -> service.health().equals("ok"), Duration.ofSeconds(15), "the service is back");
            assertThat(service.ownPid()).isPresent().get().isNotEqualTo(first);
        }
    }

    @Test
    void aMissingPodmanProgramIsReportedAtOnceAndNotThrown(@TempDir Path dir) {
        try (PodmanService service = PodmanService.own(dir.resolve("podman.sock"), "runc", "labhub-test-no-such-podman")) {
            Instant before = Instant.now();

            assertThat(service.awaitReady(Duration.ofSeconds(10))).isFalse();

            assertThat(Duration.between(before, Instant.now())).isLessThan(Duration.ofSeconds(3));
            assertThat(service.health()).isEqualTo("not installed");
        }
    }

    @Test
    void aConfiguredSocketThatDoesNotExistIsUnreachableAndNotWaitedFor(@TempDir Path dir) {
        try (PodmanService service = PodmanService.start(Optional.of(dir.resolve("nobody.sock")), dir.resolve("unused.sock"), "")) {
            Instant before = Instant.now();

            assertThat(service.awaitReady(Duration.ofSeconds(10))).isFalse();

            assertThat(Duration.between(before, Instant.now())).isLessThan(Duration.ofSeconds(3));
            assertThat(service.health()).isEqualTo("unreachable");
            assertThat(dir.resolve("unused.sock")).doesNotExist();
        }
    }

    @Test
    void aMissingSocketIsUnavailableWithAMessageThatSaysWhatToDo() {
        Path socket = Path.of("/nonexistent/labhub/podman.sock");
        try (PodmanClient client = new PodmanClient(socket, Duration.ofSeconds(2), "runc")) {
            assertThatThrownBy(client::ping).isInstanceOfSatisfying(PodmanException.Unavailable.class, e -> {
                assertThat(e.status()).isZero();
                assertThat(e.getMessage()).isEqualTo("Podman is not reachable at /nonexistent/labhub/podman.sock (no such socket): "
                        + "is `podman system service` running? See docs/operations.md");
            });
            assertThatThrownBy(() -> client.containers().inspect("x")).isInstanceOf(PodmanException.Unavailable.class);
        }
    }

    @Test
    void aSocketNobodyListensOnIsUnavailable(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("dead.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
        } // closed: the file stays, nobody listens
        try (PodmanClient client = new PodmanClient(socket, Duration.ofSeconds(2), "runc")) {
            assertThatThrownBy(client::ping).isInstanceOf(PodmanException.Unavailable.class)
                    .hasMessageStartingWith("Podman is not reachable at " + socket + " (")
                    .hasMessageContaining("podman system service");
        }
    }

    @Test
    void aServiceThatDoesNotAnswerInTimeIsUnavailable(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("silent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread acceptor = new Thread(() -> {
                try (SocketChannel ignored = server.accept()) {
                    Thread.sleep(10_000); // reads nothing, answers nothing
                } catch (Exception e) {
                    // test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            try (PodmanClient client = new PodmanClient(socket, Duration.ofMillis(500), "runc")) {
                Instant before = Instant.now();

                assertThatThrownBy(client::ping).isInstanceOf(PodmanException.Unavailable.class)
                        .hasMessageStartingWith("Podman did not answer GET /_ping in time at " + socket);

                assertThat(Duration.between(before, Instant.now())).isLessThan(Duration.ofSeconds(3));
            }
            acceptor.interrupt();
        }
    }
}
