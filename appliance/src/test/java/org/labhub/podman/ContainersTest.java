package org.labhub.podman;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.labhub.podman.Containers.WaitCondition;
import org.labhub.podman.ContainerSpec.Mount;

/** The container calls against a real Podman 4.3 with runc, each checked by what Podman reports back. */
@ExtendWith(TestPodman.class)
class ContainersTest {
    private static final long MIB = 1024 * 1024;
    private final Containers containers = TestPodman.client().containers();

    @AfterEach
    void removeWhatTheTestCreated() {
        TestPodman.removeTestContainers();
    }

    private static String unique(String name) {
        return "labhub-test-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private String started(ContainerSpec spec) {
        String id = containers.create(spec);
        containers.start(id);
        return id;
    }

    @Test
    void aCreatedContainerHasEveryHardeningSettingItAskedFor(@TempDir Path home) {
        String name = unique("hardened");
        String id = started(TestPodman.spec("sleep", "30").name(name).user("1000:1000").autoUserNamespace(65536)
                .memoryBytes(64 * MIB).cpus(0.5).pidsLimit(64).mount(Mount.tmpfs("/tmp", 16 * MIB, "1777"))
                .mount(Mount.bind(home.toString(), "/home/jovyan", "ro")).label("labhub.user", "alice")
                .workDir("/tmp").hostname("nb-alice").stopTimeoutSeconds(3).build());

        ContainerInfo info = containers.inspect(id);

        assertThat(info.id()).isEqualTo(id);
        assertThat(info.name()).isEqualTo(name);
        assertThat(info.state().status()).isEqualTo("running");
        assertThat(info.state().running()).isTrue();
        assertThat(info.state().pid()).isPositive();
        assertThat(info.state().startedAt()).isPresent();
        assertThat(info.state().finishedAt()).isEmpty();
        assertThat(info.labels()).containsEntry("labhub.user", "alice").containsEntry(TestPodman.LABEL, "1");
        assertThat(info.user()).isEqualTo("1000:1000");
        assertThat(info.ociRuntime()).isEqualTo("runc");
        assertThat(info.effectiveCaps()).isEmpty();
        ContainerInfo.Host host = info.host();
        assertThat(host.networkMode()).isEqualTo("none");
        assertThat(host.readonlyRootfs()).isTrue();
        assertThat(host.capAdd()).isEmpty();
        assertThat(host.capDrop()).contains("CAP_SYS_CHROOT", "CAP_SETUID", "CAP_NET_RAW", "CAP_DAC_OVERRIDE");
        assertThat(host.securityOpt()).contains("no-new-privileges");
        assertThat(host.memory()).isEqualTo(64 * MIB);
        assertThat(host.cpuQuota()).isEqualTo(50_000);
        assertThat(host.cpuPeriod()).isEqualTo(100_000);
        assertThat(host.nanoCpus()).isEqualTo(500_000_000L);
        assertThat(host.pidsLimit()).isEqualTo(64);
        assertThat(host.usernsMode()).isEqualTo("private");
        assertThat(host.uidMap()).singleElement().asString().matches("0:\\d+:65536");
        assertThat(host.tmpfs()).containsKey("/tmp");
        assertThat(host.tmpfs().get("/tmp")).contains("size=" + 16 * MIB, "mode=1777");
        assertThat(host.binds()).singleElement().asString().startsWith(home + ":/home/jovyan:").contains("ro");
        assertThat(host.ulimitsHard()).containsEntry("RLIMIT_NOFILE", 1024L).containsEntry("RLIMIT_NPROC", 4096L);
    }

    @Test
    void insideTheContainerTheHardeningHolds() {
        String script = "id -u; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; ls /sys/class/net;"
                + " touch /rootfs-file 2>/dev/null || echo root-read-only; echo x > /tmp/f && echo tmp-writable;"
                + " cat /proc/self/uid_map";
        String id = started(TestPodman.spec("sh", "-c", script).user("1000:1000").autoUserNamespace(65536)
                .mount(Mount.tmpfs("/tmp", 16 * MIB, "1777")).build());
        assertThat(containers.wait(id, WaitCondition.EXITED, Duration.ofSeconds(20))).contains(0);

        String out = containers.logs(id, 100);

        assertThat(out.lines().toList()).startsWith("1000", "CapEff:\t0000000000000000", "NoNewPrivs:\t1", "lo",
                "root-read-only", "tmp-writable");
        assertThat(out.lines().reduce((a, b) -> b).orElseThrow().trim()).matches("0\\s+\\d+\\s+65536")
                .doesNotMatch("0\\s+0\\s+.*");
    }

    @Test
    void logsComeBackAsTextWithoutFrameHeadersInTheOrderWritten() {
        String id = started(TestPodman.spec("sh", "-c", "echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three").build());
        containers.wait(id, WaitCondition.EXITED, Duration.ofSeconds(20));

        assertThat(containers.logs(id, -1)).isEqualTo("one\ntwo\nthree\n");
        assertThat(containers.logs(id, 1)).isEqualTo("three\n");
    }

    @Test
    void aContainerThatExitsReportsItsExitCode() {
        String id = started(TestPodman.spec("sh", "-c", "exit 3").build());

        assertThat(containers.wait(id, WaitCondition.EXITED, Duration.ofSeconds(20))).contains(3);
        ContainerInfo.State state = containers.inspect(id).state();
        assertThat(state.status()).isEqualTo("exited");
        assertThat(state.running()).isFalse();
        assertThat(state.exitCode()).isEqualTo(3);
        assertThat(state.finishedAt()).isPresent();
    }

    @Test
    void stopEndsAContainerThatIgnoresTheStopSignalAfterItsTimeout() {
        // PID 1 ignores SIGTERM unless it installs a handler, so stop has to fall back to SIGKILL.
        String id = started(TestPodman.spec("sleep", "60").build());
        Instant before = Instant.now();

        containers.stop(id, 1);

        assertThat(Duration.between(before, Instant.now())).isLessThan(Duration.ofSeconds(10));
        ContainerInfo.State state = containers.inspect(id).state();
        assertThat(state.running()).isFalse();
        assertThat(state.exitCode()).isEqualTo(137);
        containers.stop(id, 1); // stopping a stopped container is no error
    }

    @Test
    void waitGivesUpAtItsTimeoutAndLeavesTheContainerRunning() {
        String id = started(TestPodman.spec("sleep", "30").build());
        Instant before = Instant.now();

        assertThat(containers.wait(id, WaitCondition.EXITED, Duration.ofMillis(300))).isEmpty();

        assertThat(Duration.between(before, Instant.now())).isLessThan(Duration.ofSeconds(5));
        assertThat(containers.inspect(id).state().running()).isTrue();
    }

    @Test
    void aRemovedContainerNoLongerExists() {
        String id = started(TestPodman.spec("sleep", "30").build());
        assertThat(containers.exists(id)).isTrue();

        containers.remove(id, true);

        assertThat(containers.exists(id)).isFalse();
        assertThatThrownBy(() -> containers.remove(id, true)).isInstanceOf(PodmanException.NotFound.class);
    }

    @Test
    void listByLabelFindsExactlyTheContainersWithThatLabel() {
        String run = UUID.randomUUID().toString();
        String a = containers.create(TestPodman.spec("true").label("labhub.test.run", run).build());
        String b = started(TestPodman.spec("sleep", "30").label("labhub.test.run", run).build());
        containers.create(TestPodman.spec("true").label("labhub.test.run", "another-run").build());
        containers.create(TestPodman.spec("true").build());

        List<ContainerSummary> found = containers.listByLabel("labhub.test.run=" + run);

        assertThat(found).extracting(ContainerSummary::id).containsExactlyInAnyOrder(a, b);
        assertThat(found).filteredOn(c -> c.id().equals(b)).singleElement()
                .satisfies(c -> assertThat(c.state()).isEqualTo("running"))
                .satisfies(c -> assertThat(c.labels()).containsEntry("labhub.test.run", run))
                .satisfies(c -> assertThat(c.names()).hasSize(1));
    }

    @Test
    void inspectingAMissingContainerIsNotFoundWithPodmansMessage() {
        assertThatThrownBy(() -> containers.inspect("labhub-test-no-such-container"))
                .isInstanceOfSatisfying(PodmanException.NotFound.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.podmanCause()).isEqualTo("no such container");
                    assertThat(e.getMessage()).contains("GET /containers/labhub-test-no-such-container/json",
                            "no container with name or ID \"labhub-test-no-such-container\" found");
                });
        assertThat(containers.exists("labhub-test-no-such-container")).isFalse();
    }

    @Test
    void aNameAlreadyInUseIsAConflict() {
        String name = unique("twice");
        containers.create(TestPodman.spec("true").name(name).build());

        assertThatThrownBy(() -> containers.create(TestPodman.spec("true").name(name).build()))
                .isInstanceOfSatisfying(PodmanException.Conflict.class, e -> {
                    assertThat(e.podmanCause()).isEqualTo("that name is already in use");
                    assertThat(e.getMessage()).contains(name);
                });
    }

    @Test
    void killingAContainerThatIsNotRunningIsAConflict() {
        String id = containers.create(TestPodman.spec("true").build());

        assertThatThrownBy(() -> containers.kill(id, "SIGKILL"))
                .isInstanceOfSatisfying(PodmanException.Conflict.class,
                        e -> assertThat(e.podmanCause()).isEqualTo("container state improper"));
    }

    @Test
    void killSendsTheSignal() {
        String id = started(TestPodman.spec("sleep", "30").build());

        containers.kill(id, "SIGKILL");

        assertThat(containers.wait(id, WaitCondition.EXITED, Duration.ofSeconds(20))).contains(137);
    }

    @Test
    void statsShowMemoryUseAgainstTheLimit() {
        String id = started(TestPodman.spec("sleep", "30").memoryBytes(64 * MIB).build());

        // Right after the start the runtime's own helpers may still be counted in the container's pids (seen under
        // load: 4); the sleep alone remains within moments.
        ContainerStats stats = containers.stats(id);
        for (Instant until = Instant.now().plusSeconds(10); stats.pids() != 1 && Instant.now().isBefore(until); stats = containers.stats(id)) {
            sleepBriefly();
        }

        assertThat(stats.id()).isEqualTo(id);
        assertThat(stats.memoryLimitBytes()).isEqualTo(64 * MIB);
        assertThat(stats.memoryUsageBytes()).isPositive().isLessThan(64 * MIB);
        assertThat(stats.pids()).isEqualTo(1);
        assertThatThrownBy(() -> containers.stats("labhub-test-no-such-container")).isInstanceOf(PodmanException.NotFound.class);
    }

    @Test
    void cpuUseBetweenTwoSamplesStaysWithinTheCpuQuota() throws InterruptedException {
        String id = started(TestPodman.spec("sh", "-c", "while true; do :; done").cpus(0.5).build());
        ContainerStats first = containers.stats(id);
        Thread.sleep(1000); // a measuring window, not a wait for a condition

        ContainerStats second = containers.stats(id);

        assertThat(second.cpuNanos()).isGreaterThan(first.cpuNanos());
        assertThat(second.sampledAt()).isAfter(first.sampledAt());
        assertThat(second.cpuPercentSince(first)).isBetween(5.0, 60.0);
    }

    @Test
    void aContainerThatOutgrowsItsMemoryLimitIsKilled() {
        // The shell doubles a string until the 16 MiB cgroup limit makes the kernel's OOM killer end it.
        String id = started(TestPodman.spec("sh", "-c", "x=0123456789abcdef; while true; do x=$x$x; done")
                .memoryBytes(16 * MIB).build());

        assertThat(containers.wait(id, WaitCondition.EXITED, Duration.ofSeconds(30))).contains(137);
        ContainerInfo.State state = containers.inspect(id).state();
        assertThat(state.exitCode()).isEqualTo(137);
        // Podman 4.3.1 with conmon 2.1.6 leaves state.oomKilled() false here: conmon writes its "oom" marker into
        // the service's working folder, Podman looks for it in the container's bundle (docs/adr/0008).
        // OomWatcherTest shows how labhub learns it instead.
    }

    @Test
    void bindMountsWithTheReadOnlyOptionCannotBeWritten(@TempDir Path shared) throws Exception {
        Files.writeString(shared.resolve("hello.txt"), "from the host\n");
        String id = started(TestPodman.spec("sh", "-c", "cat /data/hello.txt; touch /data/new 2>/dev/null || echo read-only")
                .mount(Mount.bind(shared.toString(), "/data", "ro")).build());
        containers.wait(id, WaitCondition.EXITED, Duration.ofSeconds(20));

        assertThat(containers.logs(id, -1)).isEqualTo("from the host\nread-only\n");
        assertThat(shared.resolve("new")).doesNotExist();
    }

    @Test
    void readFileCopiesOneFileOutOfAContainerThatNeverStarted() throws Exception {
        String id = containers.create(TestPodman.spec("true").build());
        byte[] busybox = Files.readAllBytes(Path.of("/bin/busybox"));

        assertThat(containers.readFile(id, "/bin/busybox", 8 * 1024 * 1024)).isEqualTo(busybox);
        // /bin/sh is a symbolic link in the image; Podman sends what it points to.
        assertThat(containers.readFile(id, "/bin/sh", 8 * 1024 * 1024)).isEqualTo(busybox);
        assertThat(containers.inspect(id).state().status()).isEqualTo("created");
    }

    @Test
    void readFileSeesWhatARunningContainerWrote() {
        String id = started(TestPodman.spec("sh", "-c", "echo written at run time > /tmp/note; sleep 30")
                .mount(Mount.tmpfs("/tmp", 16 * MIB, "1777")).build());
        Instant deadline = Instant.now().plusSeconds(10);
        byte[] note = null;
        while (note == null) {
            try {
                note = containers.readFile(id, "/tmp/note", 1024);
            } catch (PodmanException.NotFound notYet) {
                assertThat(Instant.now()).as("the container writes /tmp/note within 10 s").isBefore(deadline);
            }
        }

        assertThat(new String(note, java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("written at run time\n");
    }

    @Test
    void readFileOfAMissingPathIsNotFoundAndOfAFolderOrATooLargeFileAClearError() {
        String id = containers.create(TestPodman.spec("true").build());

        assertThatThrownBy(() -> containers.readFile(id, "/usr/share/labhub/packages.txt", 1024))
                .isInstanceOfSatisfying(PodmanException.NotFound.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("/archive");
                });
        assertThatThrownBy(() -> containers.readFile(id, "/etc", 1024))
                .isInstanceOf(PodmanException.class).isNotInstanceOf(PodmanException.NotFound.class)
                .hasMessageContaining("/etc").hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> containers.readFile(id, "/bin/busybox", 1000))
                .isInstanceOf(PodmanException.class).hasMessageContaining("more than the 1000 allowed");
        assertThatThrownBy(() -> containers.readFile("labhub-test-no-such-container", "/bin/busybox", 1000))
                .isInstanceOfSatisfying(PodmanException.NotFound.class,
                        e -> assertThat(e.podmanCause()).isEqualTo("no such container"));
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
