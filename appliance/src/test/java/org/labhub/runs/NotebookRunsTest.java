package org.labhub.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.labhub.runs.TestNotebooks.notebook;
import static org.labhub.runs.TestNotebooks.write;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.podman.ContainerSummary;
import org.labhub.spawner.NotebookContainers;
import org.labhub.spawner.Notebooks;
import org.labhub.storage.HostIds;
import org.labhub.testing.TestHub;

/**
 * The run engine on real Podman with the minimal image, one run at a time (runs.max_concurrent=1): outcomes,
 * parameters, the time limit, cancelling, the line, and that no container outlives its run.
 */
class NotebookRunsTest {
    private static TestHub t;
    private static PodmanNotebookRuns runs;
    private static Path folders;

    @BeforeAll
    static void start() throws Exception {
        t = TestHub.start(Map.of("runs.max_concurrent", "1"));
        Notebooks.requireMinimal(t);
        t.user("alice", "alice-password-1");
        runs = t.hub().runs();
        folders = Files.createTempDirectory("labhub-runs");
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    private static RunSpec spec(String name, Map<String, Object> params, Duration timeout, String... cells) throws Exception {
        Path dir = Files.createDirectories(folders.resolve(name));
        write(dir.resolve("nb.ipynb"), notebook(true, cells));
        return new RunSpec("alice", "minimal", "small", dir, List.of("nb.ipynb"), params, timeout, true);
    }

    private static RunOutcome finish(Run run) throws Exception {
        return run.completion().get(120, TimeUnit.SECONDS);
    }

    private static List<ContainerSummary> runContainers() {
        return t.hub().podman().client().containers().listByLabel(PodmanNotebookRuns.LABEL_RUN).stream()
                .filter(c -> c.labels().get(NotebookContainers.LABEL_HUB).equals(t.hub().spawner().containers().hubId())).toList();
    }

    @Test
    void aCleanNotebookSucceedsWithItsOutputsAndTheUsersOwnership() throws Exception {
        RunSpec spec = spec("clean", Map.of(), Duration.ofMinutes(2), "x = 1", "print('sum is', x + 41)");
        List<String> followed = new CopyOnWriteArrayList<>();
        Run run = runs.submit(spec);
        run.followLog(followed::add);
        RunOutcome o = finish(run);
        assertThat(o.state()).as(o.message().orElse("")).isEqualTo(RunState.SUCCEEDED);
        assertThat(o.imageDigest()).startsWith("sha256:");
        assertThat(o.notebooks()).singleElement().satisfies(r -> {
            assertThat(r.executed()).isEqualTo("nb.executed.ipynb");
            assertThat(r.failure()).isEmpty();
        });
        Path executed = spec.workdir().resolve("nb.executed.ipynb");
        assertThat(TestNotebooks.printed(executed)).contains("sum is 42");
        assertThat(Files.readString(spec.workdir().resolve("run.log"))).contains("sum is 42").contains("finished: succeeded");
        assertThat(followed).contains("sum is 42");
        long owner = HostIds.owner(t.hub().catalog().jdbi().withHandle(h -> h.createQuery("SELECT id FROM users WHERE name='alice'")
                .mapTo(Long.class).one()));
        assertThat(((Integer) Files.getAttribute(executed, "unix:uid")) & 0xffffffffL).isEqualTo(owner);
        assertThat(runContainers()).isEmpty();
    }

    @Test
    void aFailingCellFailsTheRunNamingTheCellAndTheError() throws Exception {
        Run run = runs.submit(spec("failing", Map.of(), Duration.ofMinutes(2), "a = 1", "b = a / 0", "print('never')"));
        RunOutcome o = finish(run);
        assertThat(o.state()).isEqualTo(RunState.FAILED);
        RunOutcome.CellFailure f = o.notebooks().get(0).failure().orElseThrow();
        assertThat(f.cellIndex()).isEqualTo(1);
        assertThat(f.errorName()).isEqualTo("ZeroDivisionError");
        assertThat(f.errorValue()).contains("division by zero");
        assertThat(o.message().orElseThrow()).contains("cell 2").contains("ZeroDivisionError");
        assertThat(TestNotebooks.printed(run.spec().workdir().resolve("nb.executed.ipynb"))).doesNotContain("never");
    }

    @Test
    void parametersAreInjectedAfterTheTaggedCellAsDataNeverAsCode() throws Exception {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("alpha", 0.25);
        params.put("label", "it's \"quoted\"\nand\\ on two lines'''); import os; os._exit(3) #");
        params.put("sizes", List.of(1, 2, 3));
        params.put("nothing", null);
        RunOutcome o = finish(runs.submit(spec("params", params, Duration.ofMinutes(2),
                "alpha = 1.0\nlabel = 'default'\nsizes = []\nnothing = 5",
                "print('alpha=%r' % alpha); print('label=%r' % label); print('sizes=%r' % sizes); print('nothing=%r' % nothing)")));
        assertThat(o.state()).as(o.message().orElse("")).isEqualTo(RunState.SUCCEEDED);
        String printed = TestNotebooks.printed(folders.resolve("params/nb.executed.ipynb"));
        assertThat(printed).contains("alpha=0.25")
                .contains("label='it\\'s \"quoted\"\\nand\\\\ on two lines\\'\\'\\'); import os; os._exit(3) #'")
                .contains("sizes=[1, 2, 3]").contains("nothing=None");
    }

    @Test
    void aRunPastItsTimeLimitIsKilledAndEndsTimedOut() throws Exception {
        Run run = runs.submit(spec("slow", Map.of(), Duration.ofSeconds(4), "import time\ntime.sleep(120)"));
        RunOutcome o = finish(run);
        assertThat(o.state()).isEqualTo(RunState.TIMED_OUT);
        assertThat(o.message().orElseThrow()).contains("time limit of 4 s");
        assertThat(Duration.between(o.started(), o.finished())).isLessThan(Duration.ofSeconds(40));
        assertThat(runContainers()).isEmpty();
    }

    @Test
    void cancellingARunningRunKillsItsContainerAndTheNextInLineWaitsUntilThen() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Run first = runs.submit(spec("cancel", Map.of(), Duration.ofMinutes(5), "import time\nprint('sleeping', flush=True)\ntime.sleep(300)"));
        Run second = runs.submit(spec("after", Map.of(), Duration.ofMinutes(2), "print('second')"));
        first.followLog(lines::add);
        Notebooks.await("the first run sleeping", Duration.ofSeconds(90), () -> lines.contains("sleeping"));
        assertThat(first.state()).isEqualTo(RunState.RUNNING);
        // one at a time: the second waits in line while the first runs
        assertThat(second.state()).isEqualTo(RunState.QUEUED);
        assertThat(runs.aheadOf(second.id())).isZero();
        assertThat(runContainers()).hasSize(1);
        runs.cancel(first.id());
        RunOutcome o = finish(first);
        assertThat(o.state()).isEqualTo(RunState.CANCELLED);
        assertThat(finish(second).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(finish(second).started()).isAfterOrEqualTo(o.finished().minusMillis(1000));
        assertThat(runContainers()).isEmpty();
    }

    @Test
    void aQueuedRunCancelledNeverStarts() throws Exception {
        Run first = runs.submit(spec("blocker", Map.of(), Duration.ofMinutes(2), "import time\ntime.sleep(3)"));
        Run queued = runs.submit(spec("never", Map.of(), Duration.ofMinutes(2), "print('ran')"));
        runs.cancel(queued.id());
        assertThat(finish(queued).state()).isEqualTo(RunState.CANCELLED);
        assertThat(finish(first).state()).isEqualTo(RunState.SUCCEEDED);
        assertThat(folders.resolve("never/nb.executed.ipynb")).doesNotExist();
    }

    @Test
    void leftoverRunContainersOfAnEarlierHubAreRemoved() throws Exception {
        String hub = t.hub().spawner().containers().hubId();
        List<String> cmd = new ArrayList<>(List.of("podman", "create", "--label", NotebookContainers.LABEL_HUB + "=" + hub,
                "--label", PodmanNotebookRuns.LABEL_RUN + "=leftover1", Notebooks.MINIMAL, "sleep", "60"));
        Notebooks.Exec made = Notebooks.run(cmd, null);
        assertThat(made.exit()).as(made.output()).isZero();
        assertThat(runs.removeLeftovers()).containsExactly("leftover1");
        assertThat(runContainers()).isEmpty();
    }
}
