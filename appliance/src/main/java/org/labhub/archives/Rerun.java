package org.labhub.archives;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.labhub.audit.AuditLog;
import org.labhub.environments.Environment;
import org.labhub.environments.Environments;
import org.labhub.podman.PodmanClient;
import org.labhub.runs.NotebookRuns;
import org.labhub.runs.Run;
import org.labhub.runs.RunOutcome;
import org.labhub.runs.RunSpec;
import org.labhub.runs.RunState;
import org.labhub.users.Accounts;
import org.labhub.web.HttpError;
import org.labhub.web.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Re-executes an archive in its recorded image and compares every cell with the archived outputs: the bag is
 * verified first, the image loaded from the bag when this host lacks it (offline), the inputs copied out with
 * verified reads, and all cells run (a failing cell does not stop the others). The report goes to the catalog.
 */
public final class Rerun implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Rerun.class);

    private final Archives archives;
    private final ArchiveRuns runsStore;
    private final Environments environments;
    private final NotebookRuns runs;
    private final PodmanClient podman;
    private final Path runsRoot;
    private final AuditLog audit;
    private final Clock clock;
    private final ExecutorService workers = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "archive-rerun");
        t.setDaemon(true);
        return t;
    });

    public Rerun(Archives archives, ArchiveRuns runsStore, Environments environments, NotebookRuns runs, PodmanClient podman,
                 Path runsRoot, AuditLog audit, Clock clock) {
        this.archives = archives;
        this.runsStore = runsStore;
        this.environments = environments;
        this.runs = runs;
        this.podman = podman;
        this.runsRoot = runsRoot;
        this.audit = audit;
        this.clock = clock;
    }

    public long start(Archive a, String by, Optional<Double> tolerance) {
        tolerance.ifPresent(t -> {
            if (!(t >= 0 && t < 1)) {
                throw HttpError.badRequest("tolerance: a relative tolerance between 0 and 1, such as 1e-6");
            }
        });
        long id = runsStore.start(a.id(), by, tolerance, clock.instant());
        workers.submit(() -> {
            try {
                run(a, id, by, tolerance);
            } catch (Exception | Error e) {
                log.atWarn().addKeyValue("archive", a.id()).setCause(e).log("re-run failed");
                runsStore.finish(id, "failed", 0, 0, 0, "the re-run failed: " + e.getMessage(), null, clock.instant());
            }
        });
        return id;
    }

    private void run(Archive a, long id, String by, Optional<Double> tolerance) throws Exception {
        Path bag = archives.store().bag(a.id());
        List<String> problems = BagCheck.problems(bag);
        if (!problems.isEmpty()) {
            archives.damaged(a, String.join("; ", problems), "re-run");
            runsStore.finish(id, "failed", 0, 0, 0, "the archive is damaged: " + String.join("; ", problems), null, clock.instant());
            return;
        }
        if (!podman.images().exists(a.imageId())) {
            Path image = bag.resolve("data/environment/image.oci.tar");
            if (!Files.isRegularFile(image, LinkOption.NOFOLLOW_LINKS)) {
                runsStore.finish(id, "failed", 0, 0, 0, "the image " + a.imageId() + " is not on this host and the archive keeps it by reference only",
                        null, clock.instant());
                return;
            }
            podman.images().load(image, Preserve.IMAGE_SAVE_TIMEOUT);
        }
        Environment env = environmentFor(a);
        Path workdir = Files.createDirectories(runsRoot).resolve("rerun-" + a.id() + "-" + id);
        try {
            Files.createDirectory(workdir);
            Map<String, String> manifest = BagCheck.manifest(bag).sha256ByPath();
            List<String> notebooks = new ArrayList<>();
            for (String p : manifest.keySet()) {
                if (p.startsWith("data/inputs/")) {
                    Path target = workdir.resolve(p.substring("data/inputs/".length()));
                    Files.createDirectories(target.getParent());
                    try (InputStream in = archives.open(a, p)) {
                        Files.copy(in, target);
                    } catch (VerifyingInputStream.Tampered t) {
                        throw archives.tampered(a, t, "re-run");
                    }
                    String rel = p.substring("data/inputs/".length());
                    if (rel.endsWith(".ipynb") && manifest.containsKey("data/outputs/" + rel)) {
                        notebooks.add(rel);
                    }
                }
            }
            // Exactly the recorded image, by id: never whatever the environment's tag points to today.
            Run run = runs.submit(new RunSpec(a.owner(), env.name(), "", workdir, notebooks, Map.of(), Preserve.RUN_TIMEOUT, false)
                    .withImage(a.imageId()));
            RunOutcome outcome = run.completion().join();
            if (outcome.state() != RunState.SUCCEEDED && outcome.notebooks().stream().allMatch(n -> n.failure().isEmpty())) {
                // The run itself did not finish (time limit, the hub stopping, a container error): no cell to compare.
                runsStore.finish(id, "failed", 0, 0, 0, outcome.message().orElse("the run ended " + outcome.state().name().toLowerCase()),
                        null, clock.instant());
                return;
            }
            int identical = 0;
            int differs = 0;
            int errored = 0;
            List<Object> reports = new ArrayList<>();
            for (String nb : notebooks) {
                Optional<RunOutcome.NotebookResult> result = outcome.notebooks().stream().filter(n -> n.notebook().equals(nb)).findFirst();
                JsonNode archived = Json.MAPPER.readTree(archives.readVerified(a, "data/outputs/" + nb));
                Path executed = result.map(r -> workdir.resolve(r.executed()).normalize()).orElse(null);
                List<NotebookDiff.CellResult> cells;
                if (executed == null || !executed.startsWith(workdir) || !Files.isRegularFile(executed, LinkOption.NOFOLLOW_LINKS)) {
                    cells = List.of(new NotebookDiff.CellResult(-1, NotebookDiff.Status.ERRORED, "", "the notebook produced no executed copy"));
                } else {
                    cells = NotebookDiff.compare(archived, Json.MAPPER.readTree(Files.readAllBytes(executed)), tolerance);
                }
                for (NotebookDiff.CellResult c : cells) {
                    switch (c.status()) {
                        case IDENTICAL -> identical++;
                        case DIFFERS -> differs++;
                        case ERRORED -> errored++;
                    }
                }
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("notebook", nb);
                r.put("cells", cells);
                reports.add(r);
            }
            String state = errored > 0 ? "errored" : differs > 0 ? "differs" : "identical";
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("archive", a.id());
            report.put("run", id);
            report.put("image_id", a.imageId());
            report.put("ran_image_digest", outcome.imageDigest());
            report.put("tolerance", tolerance.orElse(null));
            report.put("state", state);
            report.put("run_state", outcome.state().name().toLowerCase());
            report.put("started", outcome.started().toString());
            report.put("finished", outcome.finished().toString());
            report.put("identical", identical);
            report.put("differs", differs);
            report.put("errored", errored);
            report.put("notebooks", reports);
            runsStore.finish(id, state, identical, differs, errored, outcome.message().orElse(""),
                    Json.MAPPER.writeValueAsString(report), clock.instant());
            audit.record(by, "archive.rerun", a.id(), AuditLog.Outcome.OK, "", state);
        } finally {
            ArchiveStore.deleteTree(workdir);
        }
    }

    /**
     * The environment whose image is the archive's: an existing one if any names this image id, else one registered
     * for it ({@code archive-<12 hex>}), since the run engine starts environments, not bare images.
     */
    private Environment environmentFor(Archive a) {
        for (Environment e : environments.all()) {
            if (e.imageId().equals(a.imageId()) && e.enabled()) {
                return e;
            }
        }
        String hex = a.imageId().replace("sha256:", "");
        String name = "archive-" + hex.substring(0, Math.min(12, hex.length()));
        for (Environment e : environments.all()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return environments.register(new Accounts.Actor("labhub", ""), name, a.imageId(), "Archive image " + name,
                "Registered to re-run archived analyses in their recorded image");
    }

    /**
     * Stops the workers. The hub closes the run engine first, which ends their runs, so a worker finishes its
     * record (failed: the hub stopped) within moments; one still busy after that (an image export) is interrupted.
     */
    @Override
    public void close() {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                workers.shutdownNow();
                workers.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
