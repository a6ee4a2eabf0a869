package org.labhub.podman;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.labhub.podman.Containers.WaitCondition;

/**
 * Podman 4.3.1 never sets OOMKilled on these hosts; the kernel log says which container was struck.
 * These tests need root (for /dev/kmsg), as labhub's rootful Podman does.
 */
@ExtendWith(TestPodman.class)
class OomWatcherTest {
    private static final String ID = "e68e4323c030a5e0acf7ffbfab7cbc0ebaec2dd2ebbf8fe1949dad24491e51fe";
    private static final String CGROUPFS = "6,1285,5606684647,-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),"
            + "cpuset=libpod-" + ID + ",mems_allowed=0,oom_memcg=/libpod_parent/libpod-" + ID
            + ",task_memcg=/libpod_parent/libpod-" + ID + ",task=python3,pid=8836,uid=0\n";

    @AfterEach
    void removeWhatTheTestCreated() {
        TestPodman.removeTestContainers();
    }

    @Test
    void theKernelsOomLineNamesTheContainerAndTheProcess() {
        assertThat(OomWatcher.parse(CGROUPFS, 0)).get().satisfies(k -> {
            assertThat(k.containerId()).isEqualTo(ID);
            assertThat(k.task()).isEqualTo("python3");
            assertThat(k.pid()).isEqualTo(8836);
        });
        String systemd = CGROUPFS.replace("/libpod_parent/libpod-" + ID, "/machine.slice/libpod-" + ID + ".scope");
        assertThat(OomWatcher.parse(systemd, 0)).get().extracting(OomWatcher.OomKill::containerId).isEqualTo(ID);
    }

    @Test
    void otherAndOlderKernelLinesAreNotKills() {
        assertThat(OomWatcher.parse("4,1209,5606684471,-;sh invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL)\n", 0)).isEmpty();
        assertThat(OomWatcher.parse(CGROUPFS, 5606684648L)).isEmpty();
        assertThat(OomWatcher.parse("garbage", 0)).isEmpty();
    }

    @Test
    void aContainerOverItsMemoryLimitIsReportedByItsId() throws Exception {
        BlockingQueue<OomWatcher.OomKill> kills = new LinkedBlockingQueue<>();
        try (OomWatcher watcher = OomWatcher.start(kills::add)) {
            Containers containers = TestPodman.client().containers();
            String id = containers.create(TestPodman.spec("sh", "-c", "x=0123456789abcdef; while true; do x=$x$x; done")
                    .memoryBytes(16 * 1024 * 1024).build());
            containers.start(id);
            assertThat(containers.wait(id, WaitCondition.EXITED, Duration.ofSeconds(30))).contains(137);

            OomWatcher.OomKill kill = kills.poll(5, TimeUnit.SECONDS);

            assertThat(kill).isNotNull();
            assertThat(kill.containerId()).isEqualTo(id);
            assertThat(kill.task()).isEqualTo("sh");
        }
    }
}
