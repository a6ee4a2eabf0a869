package org.labhub.archives;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.labhub.audit.AuditLog;
import org.labhub.environments.Environment;
import org.labhub.environments.Environments;
import org.labhub.podman.ImageInfo;
import org.labhub.podman.PodmanClient;
import org.labhub.runs.NotebookRuns;
import org.labhub.runs.Run;
import org.labhub.runs.RunOutcome;
import org.labhub.runs.RunSpec;
import org.labhub.runs.RunState;
import org.labhub.storage.Entry;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.web.HttpError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Preserves a notebook or folder of a user's: copies it into a run folder, runs every notebook top to bottom in a
 * fresh container of the chosen environment (the shared run engine, no network, stop at the first failing cell),
 * and on success writes the bag: inputs as they were, executed notebooks and the run log, the image as an OCI
 * archive (or only its id), run-local.sh and RO-Crate metadata. Asynchronous: the caller follows a task.
 */
public final class Preserve implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Preserve.class);
    static final Duration RUN_TIMEOUT = Duration.ofHours(2);
    static final Duration IMAGE_SAVE_TIMEOUT = Duration.ofHours(1);
    /** Finished tasks are remembered this long for their status URL. */
    private static final Duration KEEP_FINISHED = Duration.ofHours(24);

    private final ArchiveStore store;
    private final FileStore files;
    private final Environments environments;
    private final NotebookRuns runs;
    private final PodmanClient podman;
    private final Path runsRoot;
    private final AuditLog audit;
    private final Clock clock;
    private final Map<String, PreserveTask> tasks = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "preserve");
        t.setDaemon(true);
        return t;
    });

    public Preserve(ArchiveStore store, FileStore files, Environments environments, NotebookRuns runs, PodmanClient podman,
                    Path runsRoot, AuditLog audit, Clock clock) {
        this.store = store;
        this.files = files;
        this.environments = environments;
        this.runs = runs;
        this.podman = podman;
        this.runsRoot = runsRoot;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * Deletes the run folders ({@code preserve-…}, {@code rerun-…}) a previous hub left when it stopped mid-run: their
     * tasks lived in its memory and their re-runs are recorded as failed, so nothing will read them again.
     */
    public static void clearLeftovers(Path runsRoot) throws IOException {
        if (!Files.isDirectory(runsRoot)) {
            return;
        }
        try (var list = Files.list(runsRoot)) {
            for (Path p : (Iterable<Path>) list::iterator) {
                String name = p.getFileName().toString();
                if ((name.startsWith("preserve-") || name.startsWith("rerun-")) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    ArchiveStore.deleteTree(p);
                }
            }
        }
    }

    /** Checks the request (the path exists in the owner's home, the environment may be started) and starts the task. */
    public PreserveTask start(String owner, PreserveRequest request) throws IOException {
        request.checked();
        RelPath path;
        try {
            path = RelPath.parse(request.path());
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("path: " + e.getMessage());
        }
        Location at = new Location(owner, path);
        Entry entry = files.stat(at).orElseThrow(() -> HttpError.notFound("path: there is no " + request.path() + " in your files"));
        if (!entry.isDirectory() && !(entry.isFile() && entry.name().endsWith(".ipynb"))) {
            throw HttpError.badRequest("path: preserve a notebook (.ipynb) or a folder");
        }
        Environment env = environments.requireStartable(request.environment());
        purgeOld();
        PreserveTask task = new PreserveTask(UUID.randomUUID().toString().replace("-", "").substring(0, 16), owner, clock.instant(), request);
        tasks.put(task.id(), task);
        workers.submit(() -> {
            try {
                run(task, request, at, entry, env);
            } catch (Exception | Error e) {
                log.atWarn().addKeyValue("task", task.id()).setCause(e).log("preserving failed");
                task.failed("preserving failed: " + e.getMessage());
            }
        });
        return task;
    }

    /** The task if the caller started it (or is an admin); 404 otherwise. */
    public PreserveTask task(String id, String caller, boolean admin) {
        PreserveTask t = tasks.get(id);
        if (t == null || !(admin || t.owner().equals(caller))) {
            throw HttpError.notFound("there is no preservation " + id + " of yours");
        }
        return t;
    }

    private void purgeOld() {
        Instant before = clock.instant().minus(KEEP_FINISHED);
        tasks.values().removeIf(t -> (t.state() == PreserveTask.State.DONE || t.state() == PreserveTask.State.FAILED)
                && t.started().isBefore(before));
    }

    private void run(PreserveTask task, PreserveRequest request, Location at, Entry entry, Environment env) throws Exception {
        Path workdir = Files.createDirectories(runsRoot).resolve("preserve-" + task.id());
        Path staging = store.newStaging();
        try {
            Files.createDirectory(workdir);
            copyFromHome(at, entry, workdir);
            List<String> notebooks = notebooks(workdir);
            if (notebooks.isEmpty()) {
                task.failed("there is no notebook (.ipynb) to run in " + request.path());
                return;
            }
            Path data = Files.createDirectories(staging.resolve("data"));
            copyTree(workdir, data.resolve("inputs"));
            // The image is pinned by id before the run: the archive records (and saves) exactly what ran, even if
            // an administrator rebuilds the environment meanwhile.
            ImageInfo image = podman.images().inspect(env.image());
            String imageId = image.id();
            task.log("running " + notebooks.size() + " notebook(s) in " + env.name() + " (image " + shortId(imageId) + ")");
            Run run = runs.submit(new RunSpec(task.owner(), env.name(), request.profile(), workdir, notebooks, Map.of(), RUN_TIMEOUT, true)
                    .withImage(imageId));
            RunOutcome outcome;
            try (AutoCloseable follow = run.followLog(task::log)) {
                outcome = run.completion().join();
            }
            Optional<RunOutcome.NotebookResult> failed = outcome.notebooks().stream().filter(n -> n.failure().isPresent()).findFirst();
            Optional<String> doesNotRun = Optional.empty();
            if (outcome.state() != RunState.SUCCEEDED) {
                if (failed.isEmpty() || outcome.state() != RunState.FAILED) {
                    task.failed("the run ended " + outcome.state().name().toLowerCase().replace('_', ' ')
                            + outcome.message().map(m -> ": " + m).orElse(""));
                    return;
                }
                RunOutcome.CellFailure f = failed.get().failure().orElseThrow();
                String why = failed.get().notebook() + " cell " + (f.cellIndex() + 1) + " raised " + f.errorName() + ": " + f.errorValue();
                if (!request.doesNotRun()) {
                    task.failedCell(failed.get().notebook(), f, why + " (preserve it anyway with does_not_run: true)");
                    return;
                }
                doesNotRun = Optional.of(why);
                task.log("preserving although it does not run: " + why);
            }
            List<String> outputs = new ArrayList<>();
            for (RunOutcome.NotebookResult n : outcome.notebooks()) {
                Path executed = workdir.resolve(n.executed()).normalize();
                if (executed.startsWith(workdir) && Files.isRegularFile(executed, LinkOption.NOFOLLOW_LINKS)) {
                    Path target = data.resolve("outputs").resolve(n.notebook());
                    Files.createDirectories(target.getParent());
                    Files.copy(executed, target);
                    outputs.add("outputs/" + n.notebook());
                }
            }
            Path runLog = workdir.resolve("run.log");
            Files.createDirectories(data.resolve("outputs"));
            if (Files.isRegularFile(runLog, LinkOption.NOFOLLOW_LINKS)) {
                Files.copy(runLog, data.resolve("outputs/run.log"));
            } else {
                Files.write(data.resolve("outputs/run.log"), String.join("\n", task.log()).getBytes(StandardCharsets.UTF_8));
            }
            outputs.add("outputs/run.log");
            String digest = outcome.imageDigest() == null || outcome.imageDigest().isBlank() ? image.digest() : outcome.imageDigest();
            if (!request.byReference()) {
                task.state(PreserveTask.State.EXPORTING);
                exportImage(imageId, Files.createDirectories(data.resolve("environment")).resolve("image.oci.tar"), task);
            }
            task.state(PreserveTask.State.WRITING);
            BagWriter.write(data.resolve("run-local.sh"), RunLocalScript.render(imageId, request.byReference(), notebooks)
                    .getBytes(StandardCharsets.UTF_8));
            List<String> inputs = BagWriter.payloadFiles(data.resolve("inputs")).stream()
                    .map(p -> "inputs/" + data.resolve("inputs").relativize(p).toString()).toList();
            Instant now = clock.instant();
            RoCrate.write(data, new RoCrate.Description(request.title().strip(), request.description(), request.authors(),
                    request.license(), request.keywords(), now, env.name(), env.displayName(), imageId, digest == null ? "" : digest,
                    request.byReference(), env.packages(), doesNotRun, outcome.started(), outcome.finished(), inputs, outputs));
            Map<String, String> info = new LinkedHashMap<>();
            info.put("Source-Organization", "labhub");
            info.put("Contact-Name", task.owner());
            info.put("External-Description", request.title().strip() + (request.description().isEmpty() ? "" : "\n" + request.description()));
            info.put("Labhub-Environment", env.name());
            info.put("Labhub-Image-Id", imageId);
            info.put("Labhub-Image-Digest", digest == null ? "" : digest);
            info.put("Labhub-Image", request.byReference() ? "by reference" : "environment/image.oci.tar");
            doesNotRun.ifPresent(why -> info.put("Labhub-Does-Not-Run", why));
            BagWriter.Written w = BagWriter.finish(staging, info, now);
            long size = sizeOf(staging);
            try {
                store.commit(staging, w.id());
            } catch (FileAlreadyExistsException same) {
                task.log("this exact content is preserved already as " + w.id());
                task.done(w.id());
                return;
            }
            store.insert(new Archive(w.id(), task.owner(), request.title().strip(), request.description(), request.authors(),
                    request.license(), request.keywords(), env.name(), imageId, digest == null ? "" : digest, request.byReference(),
                    doesNotRun.isPresent(), false, now, size, "ok", Optional.of(now), ""));
            audit.record(task.owner(), "archive.create", w.id(), AuditLog.Outcome.OK, "", request.title().strip());
            task.log("archive " + w.id() + " written (" + BagWriter.humanSize(size) + ")");
            task.done(w.id());
        } finally {
            ArchiveStore.deleteTree(staging);
            ArchiveStore.deleteTree(workdir);
        }
    }

    static String shortId(String imageId) {
        String hex = imageId.replace("sha256:", "");
        return hex.substring(0, Math.min(12, hex.length()));
    }

    /** Saves the image as an OCI archive, streamed from Podman to disk, counting bytes for the progress bar. */
    void exportImage(String imageId, Path target, PreserveTask task) throws IOException {
        long total = podman.images().inspect(imageId).sizeBytes();
        task.exporting(0, total);
        try (InputStream in = podman.images().save(imageId, "oci-archive", IMAGE_SAVE_TIMEOUT);
             FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
            byte[] buf = new byte[256 * 1024];
            long done = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                done += n;
                task.exporting(done, Math.max(total, done));
            }
            ch.force(true);
        }
    }

    /** Copies the notebook or folder out of the home through the file store (which never follows a link). */
    private void copyFromHome(Location at, Entry entry, Path workdir) throws IOException {
        if (entry.isFile()) {
            copyFile(at, workdir.resolve(entry.name()));
            return;
        }
        List<Entry> children = new ArrayList<>();
        files.list(at, children::add);
        for (Entry c : children) {
            if (c.name().equals(".ipynb_checkpoints")) {
                continue;
            }
            Location child = at.child(c.name());
            if (c.isDirectory()) {
                Files.createDirectory(workdir.resolve(c.name()));
                copyFromHome(child, c, workdir.resolve(c.name()));
            } else if (c.isFile()) {
                copyFile(child, workdir.resolve(c.name()));
            }
        }
    }

    private void copyFile(Location from, Path to) throws IOException {
        try (FileChannel in = files.openRead(from); FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = in.size();
            long pos = 0;
            while (pos < size) {
                pos += in.transferTo(pos, size - pos, out);
            }
        }
    }

    /** Every notebook under the folder, relative and sorted: the order they run in. */
    static List<String> notebooks(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            return walk.filter(p -> p.toString().endsWith(".ipynb") && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.copy(p, target);
                }
            }
        }
    }

    static long sizeOf(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> p.toFile().length()).sum();
        }
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
