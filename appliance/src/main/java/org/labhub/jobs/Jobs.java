package org.labhub.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.labhub.audit.AuditLog;
import org.labhub.files.FileNamespace;
import org.labhub.files.Permission;
import org.labhub.files.Target;
import org.labhub.runs.Parameters;
import org.labhub.runs.PodmanNotebookRuns;
import org.labhub.runs.Run;
import org.labhub.runs.RunLog;
import org.labhub.runs.RunOutcome;
import org.labhub.runs.RunSpec;
import org.labhub.runs.RunState;
import org.labhub.storage.Entry;
import org.labhub.storage.FileError;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;
import org.labhub.storage.Upload;
import org.labhub.users.User;
import org.labhub.runs.UserFiles;
import org.labhub.spawner.JobFiles;
import org.labhub.web.HttpError;
import org.labhub.web.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Batch jobs: a user's notebook run by the run engine with chosen environment, profile, parameters and time limit.
 * The notebook is copied into a run folder of its own ({@code <data>/runs/<id>/}), so the user may edit or delete it
 * meanwhile; the executed copy is saved into the chosen folder of their home through the file store (atomic,
 * quota-checked), and run.log stays in the run folder. Only the owner sees a job; admins may also look and cancel.
 */
public final class Jobs {
    private static final Logger log = LoggerFactory.getLogger(Jobs.class);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofHours(1);
    /** Notebooks larger than this are refused: a batch job is code to run, not a data carrier. */
    static final long MAX_NOTEBOOK_BYTES = 100L << 20;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final JobStore store;
    private final PodmanNotebookRuns runs;
    private final FileStore files;
    private final FileNamespace namespace;
    private final Path runFolders;
    private final JobFiles jobFiles;
    private final AuditLog audit;
    private final Clock clock;

    public Jobs(JobStore store, PodmanNotebookRuns runs, JobFiles jobFiles, FileStore files, FileNamespace namespace,
                Path runFolders, AuditLog audit, Clock clock) {
        this.store = store;
        this.runs = runs;
        this.jobFiles = jobFiles;
        this.files = files;
        this.namespace = namespace;
        this.runFolders = runFolders;
        this.audit = audit;
        this.clock = clock;
    }

    /** What a user asks for; blanks take defaults (the notebook's folder, the default profile, one hour). */
    public record Request(String notebook, String environment, String profile, JsonNode parameters, String outputFolder,
                          Long timeoutSeconds, Boolean stopOnError) {}

    /**
     * At hub start, before anything is submitted: jobs the catalog still calls queued or running did not survive the
     * restart (their containers are removed by then): they are marked failed, saying so.
     */
    public int failUnfinished() {
        int n = 0;
        for (Job j : store.unfinished()) {
            if (store.finish(j.id(), RunState.FAILED, "the hub restarted while this job was " + JobStore.stateId(j.state())
                    + "; re-run it", OptionalInt.empty(), "", "", "", j.startedAt(), clock.instant())) {
                n++;
            }
        }
        if (n > 0) {
            log.atWarn().addKeyValue("jobs", n).log("jobs left unfinished by the previous hub were marked failed");
        }
        return n;
    }

    public Job submit(User caller, Request r, String address) {
        if (r.notebook() == null || r.notebook().isBlank()) {
            throw HttpError.badRequest("name the notebook to run (a path in your files, such as analysis/run.ipynb)");
        }
        RelPath notebookPath = path(r.notebook(), "notebook");
        Location notebook = readable(caller, notebookPath);
        Entry nb = stat(notebook).filter(Entry::isFile).orElseThrow(() ->
                HttpError.badRequest("\"" + notebookPath + "\" is not a file in your files"));
        if (!notebookPath.name().endsWith(".ipynb")) {
            throw HttpError.badRequest("\"" + notebookPath + "\" is not a notebook (.ipynb)");
        }
        if (nb.size() > MAX_NOTEBOOK_BYTES) {
            throw HttpError.badRequest("\"" + notebookPath + "\" has " + nb.size() + " bytes; notebooks up to 100 MiB can run as jobs");
        }
        RelPath outPath = r.outputFolder() == null || r.outputFolder().isBlank() ? notebookPath.parent() : path(r.outputFolder(), "output folder");
        writableFolder(caller, outPath);
        Map<String, Object> params = parameters(r.parameters());
        Duration timeout = timeout(r.timeoutSeconds());
        String environment = r.environment() == null ? "" : r.environment().trim();
        String profile = r.profile() == null ? "" : r.profile().trim();
        Job job = store.insert(new JobStore.Fields(caller.name(), notebookPath.toString(), environment, profile,
                Json.MAPPER.writeValueAsString(params), outPath.toString(), timeout, r.stopOnError() == null || r.stopOnError()),
                clock.instant());
        try {
            return start(caller, job, notebookPath, notebook, params, address);
        } catch (RuntimeException e) {
            store.delete(job.id());
            deleteFolder(runFolders.resolve(Long.toString(job.id())));
            throw e;
        }
    }

    /** A new job with the same notebook, environment, profile, parameters, folder and time limit. */
    public Job rerun(User caller, long id, String address) {
        Job old = owned(caller, id);
        JsonNode params = Json.MAPPER.readTree(old.parameters());
        return submit(caller, new Request(old.notebook(), old.environment(), old.profile(), params, old.outputFolder(),
                old.timeout().toSeconds(), old.stopOnError()), address);
    }

    private Job start(User caller, Job job, RelPath notebookPath, Location notebook, Map<String, Object> params, String address) {
        Path folder = runFolders.resolve(Long.toString(job.id()));
        String name = notebook.path().name();
        UserFiles userFiles;
        try {
            userFiles = jobFiles.prepare(caller.name(), caller.id(), notebookPath.parent());
        } catch (IOException e) {
            throw new HttpError(500, "internal", "your files could not be prepared for the run (" + e.getMessage() + ")");
        }
        try {
            Files.createDirectories(folder);
            try (FileChannel in = files.openRead(notebook); InputStream stream = Channels.newInputStream(in)) {
                Files.copy(stream, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new HttpError(500, "internal", "the notebook could not be copied for the run (" + e.getMessage() + ")");
        }
        RunSpec spec = new RunSpec(job.owner(), job.environment(), job.profile(), folder, List.of(name), params, job.timeout(),
                job.stopOnError()).withUserFiles(userFiles);
        Run run = runs.submit(spec);
        store.setRun(job.id(), run.id());
        audit.record(job.owner(), "job.submit", "job " + job.id(), AuditLog.Outcome.OK, address,
                job.notebook() + " in " + job.environment() + (job.profile().isEmpty() ? "" : ", profile " + job.profile()));
        run.completion().thenAccept(outcome -> finished(job, outcome));
        return view(store.byId(job.id()).orElseThrow());
    }

    /** Saves the executed notebook into the owner's folder and records the outcome. Never throws. */
    private void finished(Job job, RunOutcome o) {
        try {
            String saved = "";
            String message = o.message().orElse("");
            Optional<RunOutcome.NotebookResult> result = o.notebooks().stream().findFirst();
            OptionalInt cell = OptionalInt.empty();
            String error = "";
            if (result.isPresent()) {
                Path executed = runFolders.resolve(Long.toString(job.id())).resolve(result.get().executed());
                if (result.get().failure().isPresent()) {
                    RunOutcome.CellFailure f = result.get().failure().get();
                    cell = OptionalInt.of(f.cellIndex());
                    error = f.errorName() + (f.errorValue().isEmpty() ? "" : ": " + f.errorValue());
                }
                if (o.state() != RunState.CANCELLED && Files.isRegularFile(executed)) {
                    try {
                        saved = save(job, executed);
                    } catch (IOException e) {
                        message = (message.isEmpty() ? "" : message + "; ") + "the executed notebook could not be saved to "
                                + job.outputFolder() + ": " + e.getMessage();
                    }
                }
            }
            store.finish(job.id(), o.state(), message, cell, error, saved, o.imageDigest(), Optional.of(o.started()), o.finished());
        } catch (RuntimeException e) {
            log.error("recording the end of job {} failed", job.id(), e);
        }
    }

    /** Copies the executed notebook to {@code <folder>/<name>-<UTC time>.ipynb} (a free name) through the file store. */
    private String save(Job job, Path executed) throws IOException {
        RelPath folder = RelPath.parse(job.outputFolder());
        String base = job.notebookName().replaceAll("\\.ipynb$", "") + "-" + STAMP.format(clock.instant());
        Target t = namespace.resolve(job.owner(), job.owner(), folder);
        if (!(t instanceof Target.Real real) || !real.may(Permission.CREATE)) {
            throw new IOException("you may no longer write there");
        }
        byte[] bytes = Files.readAllBytes(executed);
        for (int n = 1; n < 100; n++) {
            String name = base + (n == 1 ? "" : "-" + n) + ".ipynb";
            Location target = real.location().child(name);
            try (Upload up = files.upload(target, bytes.length)) {
                up.write(ByteBuffer.wrap(bytes));
                up.commit(false);
                return folder.child(name).toString();
            } catch (FileError e) {
                if (e.reason() != FileError.Reason.EXISTS) {
                    throw e;
                }
            }
        }
        throw new IOException("no free file name for " + base);
    }

    public void cancel(User caller, long id, String address) {
        Job job = visible(caller, id);
        if (job.state().isFinal()) {
            throw HttpError.conflict("job " + id + " has already ended (" + JobStore.stateId(job.state()) + ")");
        }
        runs.cancel(job.runId());
        audit.record(caller.name(), "job.cancel", "job " + id, AuditLog.Outcome.OK, address,
                caller.name().equals(job.owner()) ? "" : "owner " + job.owner());
        runs.find(job.runId()).ifPresent(r -> r.completion().orTimeout(30, TimeUnit.SECONDS).exceptionally(t -> null).join());
        awaitRecorded(id);
    }

    /** The engine completes the run a moment before the job's outcome is written; callers want to see the final state. */
    private void awaitRecorded(long id) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until && store.byId(id).map(j -> !j.state().isFinal()).orElse(false)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public void delete(User caller, long id, String address) {
        Job job = owned(caller, id);
        if (!view(job).state().isFinal()) {
            throw HttpError.conflict("job " + id + " is " + JobStore.stateId(view(job).state()) + "; cancel it first");
        }
        store.delete(id);
        deleteFolder(runFolders.resolve(Long.toString(id)));
        audit.record(caller.name(), "job.delete", "job " + id, AuditLog.Outcome.OK, address, "");
    }

    public List<Job> list(User caller) {
        return store.ofOwner(caller.name()).stream().map(this::view).toList();
    }

    /** The job, for its owner or an admin; anyone else hears 404, as if it did not exist. */
    public Job visible(User caller, long id) {
        Job job = store.byId(id).filter(j -> j.owner().equals(caller.name()) || caller.admin())
                .orElseThrow(() -> HttpError.notFound("there is no job " + id));
        return view(job);
    }

    /** The job, for its owner only (re-run, delete); others hear 404. */
    private Job owned(User caller, long id) {
        return store.byId(id).filter(j -> j.owner().equals(caller.name()))
                .orElseThrow(() -> HttpError.notFound("there is no job " + id));
    }

    /** The catalog's record, with the engine's live state while it runs. */
    private Job view(Job job) {
        if (job.state().isFinal() || job.runId().isEmpty()) {
            return job;
        }
        return runs.find(job.runId()).map(r -> {
            RunState live = r.state().isFinal() ? job.state() : r.state();
            if (live == RunState.RUNNING && job.state() == RunState.QUEUED) {
                r.startedAt().ifPresent(s -> store.markRunning(job.id(), s));
            }
            return job.withLive(live, r.startedAt());
        }).orElse(job);
    }

    /** Runs waiting before this job's run. */
    public int ahead(Job job) {
        return job.state() == RunState.QUEUED ? runs.aheadOf(job.runId()) : 0;
    }

    /** Follows the job's log: lines so far, then new ones until it ends. */
    public AutoCloseable followLog(Job job, java.util.function.Consumer<String> line) {
        Optional<Run> run = job.runId().isEmpty() ? Optional.empty() : runs.find(job.runId());
        if (run.isPresent() && !job.state().isFinal()) {
            return run.get().followLog(line);
        }
        log(job).forEach(line);
        return () -> {};
    }

    /** Completes when the job's run ends (at once when it has). */
    public java.util.concurrent.CompletableFuture<?> ended(Job job) {
        Optional<Run> run = job.runId().isEmpty() ? Optional.empty() : runs.find(job.runId());
        return run.filter(r -> !job.state().isFinal()).<java.util.concurrent.CompletableFuture<?>>map(Run::completion)
                .orElse(java.util.concurrent.CompletableFuture.completedFuture(null));
    }

    /** The job's log as written so far. */
    public List<String> log(Job job) {
        return RunLog.completeLines(runFolders.resolve(Long.toString(job.id())).resolve(RunLog.FILE_NAME));
    }

    public Duration maxDuration() {
        return runs.config().maxDuration();
    }

    // ---- checks -----------------------------------------------------------------------------------------------

    private static RelPath path(String text, String what) {
        try {
            return RelPath.parse(text.strip().replaceAll("^/+", ""));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("the " + what + " \"" + text + "\" is not a valid path: " + e.getMessage());
        }
    }

    private Location readable(User caller, RelPath path) {
        Target t;
        try {
            t = namespace.resolve(caller.name(), caller.name(), path);
        } catch (HttpError e) {
            throw HttpError.badRequest("there is no notebook \"" + path + "\" in your files");
        }
        if (!(t instanceof Target.Real real) || !real.may(Permission.READ)) {
            throw HttpError.badRequest("\"" + path + "\" is not a notebook in your files");
        }
        return real.location();
    }

    private void writableFolder(User caller, RelPath path) {
        Target t;
        try {
            t = namespace.resolve(caller.name(), caller.name(), path);
        } catch (HttpError e) {
            throw HttpError.badRequest("there is no folder \"" + path + "\" in your files");
        }
        if (!(t instanceof Target.Real real) || !real.may(Permission.CREATE)) {
            throw HttpError.badRequest("you may not save files in \"" + (path.isRoot() ? "/" : path) + "\"; choose a folder of yours");
        }
        if (stat(real.location()).filter(Entry::isDirectory).isEmpty()) {
            throw HttpError.badRequest("there is no folder \"" + (path.isRoot() ? "/" : path) + "\" in your files");
        }
    }

    private Optional<Entry> stat(Location at) {
        try {
            return files.stat(at);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, Object> parameters(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw HttpError.badRequest("parameters must be a JSON object such as {\"alpha\": 0.5, \"label\": \"run 1\"}");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (var e : node.properties()) {
            out.put(e.getKey(), Json.MAPPER.treeToValue(e.getValue(), Object.class));
        }
        try {
            Parameters.checkNames(out);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        return out;
    }

    private Duration timeout(Long seconds) {
        if (seconds == null) {
            return DEFAULT_TIMEOUT.compareTo(maxDuration()) > 0 ? maxDuration() : DEFAULT_TIMEOUT;
        }
        if (seconds <= 0) {
            throw HttpError.badRequest("the time limit must be at least 1 second");
        }
        Duration d = Duration.ofSeconds(seconds);
        if (d.compareTo(maxDuration()) > 0) {
            throw HttpError.badRequest("the time limit may be at most " + maxDuration().toSeconds() + " seconds on this hub");
        }
        return d;
    }

    private static void deleteFolder(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (var walk = Files.walk(folder)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left for an administrator; the job's record is gone either way
                }
            });
        } catch (IOException e) {
            log.warn("removing run folder {} failed: {}", folder, e.getMessage());
        }
    }
}
