package org.labhub.runs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.labhub.config.LabhubConfig;
import org.labhub.environments.Environment;
import org.labhub.environments.Environments;
import org.labhub.environments.Profile;
import org.labhub.environments.Profiles;
import org.labhub.podman.ContainerSpec;
import org.labhub.podman.ContainerSummary;
import org.labhub.podman.ImageInfo;
import org.labhub.podman.PodmanClient;
import org.labhub.podman.PodmanException;
import org.labhub.spawner.NotebookContainers;
import org.labhub.storage.HostIds;
import org.labhub.users.GroupStore;
import org.labhub.users.User;
import org.labhub.users.UserStore;
import org.labhub.web.HttpError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run engine on Podman. Runs wait in one first-come-first-served line in front of {@code runs.max_concurrent}
 * workers; each gets a fresh container hardened like a notebook server ({@link NotebookContainers#hardened}) but
 * never with a network, in which {@code labhub-run.py} executes the notebooks with nbclient. The hub injects the
 * parameters (Java, {@link Parameters}), follows the container's output into {@code run.log}, enforces the time
 * limit by killing the container, and reads each executed notebook's first failing cell afterwards.
 */
public final class PodmanNotebookRuns implements NotebookRuns, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PodmanNotebookRuns.class);
    /** Every run container carries this label with its run id (and the hub label), so leftovers can be found. */
    public static final String LABEL_RUN = "org.labhub.run";
    static final String DRIVER = "labhub-run.py";
    private static final String CONTAINER_WORK = "/work";
    private static final String CONTAINER_ENGINE = "/opt/labhub";
    /** How long the hub remembers a finished run (jobs and archives keep their own record). */
    private static final Duration KEEP_FINISHED = Duration.ofHours(1);

    private final PodmanClient podman;
    private final NotebookContainers containers;
    private final Environments environments;
    private final Profiles profiles;
    private final UserStore users;
    private final GroupStore groups;
    private final Path engineDir;
    private final LabhubConfig.Runs config;
    private final Clock clock;
    private final Map<String, RunningRun> runs = new ConcurrentHashMap<>();
    /** One thread per concurrent run; the executor's own queue is the fair FIFO line. */
    private final ExecutorService workers;
    private final ExecutorService logReaders = Executors.newCachedThreadPool(r -> daemon(r, "run-log"));
    private volatile boolean closing;

    /**
     * @param engineDir a hub-owned folder for the driver script, mounted read-only into every run container
     */
    public PodmanNotebookRuns(PodmanClient podman, NotebookContainers containers, Environments environments,
                              Profiles profiles, UserStore users, GroupStore groups,
                              Path engineDir, LabhubConfig.Runs config, Clock clock) throws IOException {
        this.podman = podman;
        this.containers = containers;
        this.environments = environments;
        this.profiles = profiles;
        this.users = users;
        this.groups = groups;
        this.engineDir = engineDir;
        this.config = config;
        this.clock = clock;
        this.workers = Executors.newFixedThreadPool(config.maxConcurrent(), r -> daemon(r, "run"));
        installDriver();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Writes the driver where containers mount it from: root-owned, world-readable, replaced at every start. */
    private void installDriver() throws IOException {
        Files.createDirectories(engineDir);
        Files.setPosixFilePermissions(engineDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (InputStream in = PodmanNotebookRuns.class.getResourceAsStream(DRIVER)) {
            if (in == null) {
                throw new IOException("the run driver " + DRIVER + " is missing from the jar");
            }
            Path tmp = engineDir.resolve(DRIVER + ".tmp");
            Files.write(tmp, in.readAllBytes());
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, engineDir.resolve(DRIVER), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public LabhubConfig.Runs config() {
        return config;
    }

    /** What a checked spec resolves to: the user's id, the image to run, the profile's limits. */
    record Resolved(long userId, String image, Profile profile) {}

    /**
     * Checks a spec as a server start is checked, with the same answers: unknown or disabled environment (400,
     * listing the choices), profile not open to the user (403), image missing (409 naming {@code ./labhub kernels
     * build}), Podman down (503); and for runs: notebooks that are not in the run folder, parameter names that are
     * not Python names, a time limit that is not positive (400).
     */
    public Resolved check(RunSpec spec) {
        User user = users.byName(spec.user()).orElseThrow(() -> HttpError.notFound("there is no user called \"" + spec.user() + "\""));
        if (user.state() != User.State.ACTIVE) {
            throw HttpError.forbidden(user.name() + "'s account is " + user.state().name().toLowerCase() + "; nothing can run for it");
        }
        Profile profile = profiles.require(spec.profile(), user.admin(), groups.groupsOf(user.id()));
        String image;
        if (spec.image().isPresent()) {
            image = spec.image().get();
        } else {
            Environment env = environments.requireStartable(spec.environment());
            image = env.image();
        }
        try {
            if (!podman.images().exists(image)) {
                throw new HttpError(409, "image_missing", "the image of the environment \"" + spec.environment() + "\" (" + image
                        + ") is missing from Podman; an administrator can rebuild it with ./labhub kernels build " + spec.environment());
            }
        } catch (PodmanException e) {
            throw HttpError.unavailable("Podman, which runs notebooks, is not answering; try again in a minute");
        }
        if (spec.timeout().isNegative() || spec.timeout().isZero()) {
            throw HttpError.badRequest("the time limit must be above zero");
        }
        if (spec.notebooks().isEmpty()) {
            throw HttpError.badRequest("name at least one notebook to run");
        }
        for (String nb : spec.notebooks()) {
            Path p = spec.workdir().resolve(nb).normalize();
            if (!p.startsWith(spec.workdir()) || !nb.endsWith(".ipynb") || !Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw HttpError.badRequest("\"" + nb + "\" is not a notebook (.ipynb) in the run folder");
            }
        }
        try {
            Parameters.checkNames(spec.parameters());
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        return new Resolved(user.id(), image, profile);
    }

    /** The time limit a run really gets: its own, at most {@code runs.max_duration}. */
    public Duration limitOf(RunSpec spec) {
        return spec.timeout().compareTo(config.maxDuration()) > 0 ? config.maxDuration() : spec.timeout();
    }

    @Override
    public Run submit(RunSpec spec) {
        if (closing) {
            throw HttpError.unavailable("the hub is shutting down; submit the run again when it is back");
        }
        Resolved resolved = check(spec);
        forgetOld();
        RunningRun run = new RunningRun(org.labhub.auth.Secrets.randomToken(9).toLowerCase().replaceAll("[^a-z0-9]", "x"), spec);
        runs.put(run.id(), run);
        log.atInfo().addKeyValue("run", run.id()).addKeyValue("user", spec.user()).addKeyValue("notebooks", spec.notebooks().size())
                .log("run queued");
        workers.execute(() -> execute(run, resolved));
        return run;
    }

    @Override
    public Optional<Run> find(String id) {
        return Optional.ofNullable(runs.get(id));
    }

    @Override
    public void cancel(String id) {
        RunningRun run = runs.get(id);
        if (run == null) {
            return;
        }
        run.cancelRequested = true;
        if (run.state.compareAndSet(RunState.QUEUED, RunState.CANCELLED)) {
            Instant now = clock.instant();
            run.finish(new RunOutcome(RunState.CANCELLED, "", List.of(), now, now, Optional.of("cancelled before it started")));
            return;
        }
        killQuietly(run.containerId);
    }

    /** Runs waiting in line before this one (0 when it is next, or not waiting). */
    public int aheadOf(String id) {
        RunningRun run = runs.get(id);
        if (run == null || run.state() != RunState.QUEUED) {
            return 0;
        }
        return (int) runs.values().stream().filter(r -> r.state() == RunState.QUEUED && r.seq < run.seq).count();
    }

    private void execute(RunningRun run, Resolved resolved) {
        if (!run.state.compareAndSet(RunState.QUEUED, RunState.RUNNING)) {
            return; // cancelled while waiting
        }
        RunSpec spec = run.spec();
        Instant started = clock.instant();
        run.started = started;
        Duration limit = limitOf(spec);
        String containerId = null;
        String digest = "";
        RunState end;
        String message;
        Optional<Integer> exit = Optional.empty();
        RunLog runLog = null;
        try {
            long owner = HostIds.owner(resolved.userId());
            List<String> executed = prepare(spec);
            runLog = new RunLog(spec.workdir().resolve(RunLog.FILE_NAME));
            run.attach(runLog);
            HostIds.claim(spec.workdir(), owner, true);
            runLog.note("run " + run.id() + ": " + String.join(", ", spec.notebooks()) + " in " + spec.environment()
                    + " (" + resolved.profile().name() + "), time limit " + limit.toSeconds() + " s");
            ImageInfo image = podman.images().inspect(resolved.image());
            digest = image.digest().isEmpty() ? image.id() : image.digest();
            containerId = podman.containers().create(spec(run, resolved, image.id(), executed));
            run.containerId = containerId;
            if (run.cancelRequested || closing) {
                end = RunState.CANCELLED;
                message = "cancelled";
            } else {
                podman.containers().start(containerId);
                String id = containerId;
                RunLog target = runLog;
                var reader = logReaders.submit(() -> {
                    try {
                        podman.containers().followLogs(id, limit.plusMinutes(1), target::append);
                    } catch (IOException | PodmanException e) {
                        log.debug("following the log of run {} ended: {}", run.id(), e.getMessage());
                    }
                });
                Duration left = limit.minus(Duration.between(started, clock.instant()));
                exit = podman.containers().wait(containerId, org.labhub.podman.Containers.WaitCondition.EXITED,
                        left.isNegative() ? Duration.ofMillis(1) : left);
                if (exit.isEmpty()) {
                    killQuietly(containerId);
                    podman.containers().wait(containerId, org.labhub.podman.Containers.WaitCondition.EXITED, Duration.ofSeconds(30));
                }
                try {
                    reader.get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    reader.cancel(true);
                }
                if (closing) {
                    end = RunState.FAILED;
                    message = "the hub stopped while this ran";
                } else if (run.cancelRequested) {
                    end = RunState.CANCELLED;
                    message = "cancelled while running";
                } else if (exit.isEmpty()) {
                    end = RunState.TIMED_OUT;
                    message = "the run reached its time limit of " + human(limit) + " and was stopped";
                } else {
                    end = null;
                    message = null;
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("run {} failed to run: {}", run.id(), e.toString());
            end = RunState.FAILED;
            message = e instanceof PodmanException ? "Podman failed: " + e.getMessage() : "the run could not be prepared: " + e.getMessage();
        }
        if (containerId != null) {
            removeQuietly(containerId);
        }
        List<RunOutcome.NotebookResult> results = results(spec);
        if (end == null) {
            Optional<RunOutcome.NotebookResult> failed = results.stream().filter(r -> r.failure().isPresent()).findFirst();
            int code = exit.orElse(-1);
            if (failed.isPresent()) {
                RunOutcome.CellFailure f = failed.get().failure().get();
                end = RunState.FAILED;
                message = failed.get().notebook() + ": cell " + (f.cellIndex() + 1) + " raised " + f.errorName()
                        + (f.errorValue().isEmpty() ? "" : ": " + f.errorValue());
            } else if (code != 0) {
                end = RunState.FAILED;
                message = "the run exited with code " + code + (code == 137 ? " (killed: out of memory?)" : "") + lastLines(spec);
            } else {
                end = RunState.SUCCEEDED;
                message = "";
            }
        }
        if (runLog != null) {
            runLog.note("finished: " + end.name().toLowerCase().replace('_', ' ') + (message.isEmpty() ? "" : ": " + message));
            runLog.close();
        }
        RunOutcome outcome = new RunOutcome(end, digest, results, started, clock.instant(),
                message.isEmpty() ? Optional.empty() : Optional.of(message));
        run.state.set(end);
        run.dropPending();
        run.finish(outcome);
        log.atInfo().addKeyValue("run", run.id()).addKeyValue("state", end)
                .addKeyValue("ms", Duration.between(started, outcome.finished()).toMillis()).log("run finished");
    }

    /** Writes each notebook's executed copy with the parameters injected; returns the copies' paths. */
    private static List<String> prepare(RunSpec spec) throws IOException {
        List<String> executed = new ArrayList<>();
        for (String nb : spec.notebooks()) {
            tools.jackson.databind.JsonNode tree;
            try {
                tree = org.labhub.web.Json.MAPPER.readTree(Files.readAllBytes(spec.workdir().resolve(nb)));
            } catch (tools.jackson.core.JacksonException e) {
                throw new IOException(nb + " is not a notebook (not JSON)");
            }
            if (!(tree instanceof tools.jackson.databind.node.ObjectNode notebook)) {
                throw new IOException(nb + " is not a notebook");
            }
            try {
                Parameters.inject(notebook, spec.parameters());
            } catch (IllegalArgumentException e) {
                throw new IOException(nb + ": " + e.getMessage());
            }
            String name = RunSpec.executedName(nb);
            Files.write(spec.workdir().resolve(name), org.labhub.web.Json.MAPPER.writeValueAsBytes(notebook));
            executed.add(name);
        }
        return executed;
    }

    private ContainerSpec spec(RunningRun run, Resolved resolved, String imageId, List<String> executed) {
        List<String> command = new ArrayList<>(List.of("python3", CONTAINER_ENGINE + "/" + DRIVER));
        if (!run.spec().stopOnError()) {
            command.add("--allow-errors");
        }
        Optional<UserFiles> files = run.spec().userFiles();
        files.ifPresent(f -> command.addAll(List.of("--cwd", f.workingDir())));
        command.addAll(executed);
        // Runs never get a network, whatever the environment allows servers: a run must not depend on the outside.
        ContainerSpec.Builder spec = containers.hardened(imageId, "none", resolved.profile(), resolved.userId())
                .name("labhub-" + containers.hubId() + "-run-" + run.id())
                .labels(Map.of(NotebookContainers.LABEL_HUB, containers.hubId(), NotebookContainers.LABEL_USER, run.spec().user(),
                        LABEL_RUN, run.id(), NotebookContainers.LABEL_ENVIRONMENT, run.spec().environment(),
                        NotebookContainers.LABEL_PROFILE, resolved.profile().name()))
                .command(command)
                .hostname("run-" + run.id())
                .workDir(CONTAINER_WORK)
                .mount(ContainerSpec.Mount.bind(run.spec().workdir().toString(), CONTAINER_WORK, "rw"))
                .mount(ContainerSpec.Mount.bind(engineDir.toString(), CONTAINER_ENGINE, "ro"))
                .env("PYDEVD_DISABLE_FILE_VALIDATION", "1")
                .stopTimeoutSeconds(2);
        if (files.isPresent()) {
            // a job: the owner's files as their server has them, and ~ is their home, as it is interactively
            files.get().mounts().forEach(spec::mount);
            spec.env("HOME", NotebookContainers.CONTAINER_HOME);
        } else {
            // the image's home is read-only: kernels keep their runtime files, IPython and Matplotlib their caches in /tmp
            spec.env("HOME", "/tmp");
        }
        return spec.build();
    }

    private static List<RunOutcome.NotebookResult> results(RunSpec spec) {
        List<RunOutcome.NotebookResult> out = new ArrayList<>();
        for (String nb : spec.notebooks()) {
            String executed = RunSpec.executedName(nb);
            Optional<RunOutcome.CellFailure> failure;
            try {
                failure = ExecutedNotebooks.firstFailure(spec.workdir().resolve(executed));
            } catch (IOException e) {
                failure = Optional.empty();
            }
            out.add(new RunOutcome.NotebookResult(nb, executed, failure));
        }
        return out;
    }

    private static String lastLines(RunSpec spec) {
        List<String> lines = RunLog.completeLines(spec.workdir().resolve(RunLog.FILE_NAME));
        List<String> tail = lines.subList(Math.max(0, lines.size() - 3), lines.size());
        return tail.isEmpty() ? "" : "; its last output: " + String.join(" | ", tail);
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        return s % 3600 == 0 ? s / 3600 + " h" : s % 60 == 0 ? s / 60 + " min" : s + " s";
    }

    private void killQuietly(String containerId) {
        if (containerId == null) {
            return;
        }
        try {
            podman.containers().kill(containerId, "SIGKILL");
        } catch (PodmanException e) {
            // not running (any more), or gone: the worker finishes either way
        }
    }

    private void removeQuietly(String containerId) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                podman.containers().remove(containerId, true);
                return;
            } catch (PodmanException.NotFound gone) {
                return;
            } catch (PodmanException e) {
                log.debug("removing run container {} failed (attempt {}): {}", containerId, attempt + 1, e.getMessage());
            }
        }
    }

    private void forgetOld() {
        Instant before = clock.instant().minus(KEEP_FINISHED);
        runs.values().removeIf(r -> r.outcome().map(o -> o.finished().isBefore(before)).orElse(false));
    }

    /**
     * Removes run containers a previous hub left (it stopped or crashed while they ran); returns their run ids, which
     * callers holding records of runs (jobs) mark failed. Podman down is logged and answers an empty list.
     */
    public List<String> removeLeftovers() {
        List<String> ids = new ArrayList<>();
        try {
            for (ContainerSummary c : podman.containers().listByLabel(NotebookContainers.LABEL_HUB + "=" + containers.hubId())) {
                String runId = c.labels().get(LABEL_RUN);
                if (runId != null && !runs.containsKey(runId)) {
                    log.info("removing run container {} left by an earlier hub", c.names());
                    removeQuietly(c.id());
                    ids.add(runId);
                }
            }
        } catch (PodmanException e) {
            log.warn("cannot look for leftover run containers now: {}", e.getMessage());
        }
        return ids;
    }

    /** Ends every run: queued ones are cancelled, running containers killed (their runs end failed, "the hub stopped"). */
    @Override
    public void close() {
        closing = true;
        for (RunningRun r : runs.values()) {
            if (r.state.compareAndSet(RunState.QUEUED, RunState.CANCELLED)) {
                Instant now = clock.instant();
                r.finish(new RunOutcome(RunState.CANCELLED, "", List.of(), now, now, Optional.of("the hub stopped before this ran")));
            } else {
                killQuietly(r.containerId);
            }
        }
        workers.shutdown();
        try {
            workers.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
        logReaders.shutdownNow();
    }
}
