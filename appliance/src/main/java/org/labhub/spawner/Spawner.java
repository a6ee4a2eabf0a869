package org.labhub.spawner;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.labhub.audit.AuditLog;
import org.labhub.auth.Secrets;
import org.labhub.config.ByteSize;
import org.labhub.config.LabhubConfig;
import org.labhub.environments.Environment;
import org.labhub.environments.Environments;
import org.labhub.environments.Profile;
import org.labhub.environments.ProfileStore;
import org.labhub.environments.Profiles;
import org.labhub.podman.ContainerSpec;
import org.labhub.podman.ContainerStats;
import org.labhub.podman.PodmanClient;
import org.labhub.podman.PodmanException;
import org.labhub.storage.HostIds;
import org.labhub.users.GroupStore;
import org.labhub.users.User;
import org.labhub.web.HttpError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops notebook servers. A start is checked at once (environment, profile, limits, image), then runs on
 * a worker thread through its stages, each reported to its {@link SpawnProgress}; a failed start removes what it
 * made and records why. The catalog says what should run; {@link ServerWatcher} and {@link Reconciler} keep it
 * true when containers die or the hub restarts.
 */
public final class Spawner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Spawner.class);
    /** How long a finished start or stop stays visible to progress streams that connect late. */
    private static final Duration KEEP_FINISHED = Duration.ofMinutes(2);
    private static final int LOG_LINES_IN_ERRORS = 6;

    /** Who asked: a user, an admin, or the hub itself (culler, reconciliation). */
    public record Actor(String name, String address) {
        public static final Actor HUB = new Actor("labhub", "");
    }

    private final ServerStore servers;
    private final Environments environments;
    private final Profiles profiles;
    private final ProfileStore profileStore;
    private final GroupStore groups;
    private final PodmanClient podman;
    private final NotebookClient notebooks;
    private final NotebookContainers containers;
    private final NotebookTokens tokens;
    private final AuditLog audit;
    private final Clock clock;
    private final LabhubConfig.Spawner config;

    /** Starts and stops under way (or just finished), one per server at most. */
    private final Map<ServerKey, Operation> operations = new ConcurrentHashMap<>();
    private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "spawner");
        t.setDaemon(true);
        return t;
    });
    private final Semaphore startSlots;
    private final AtomicInteger waitingForSlot = new AtomicInteger();
    /** Out-of-memory kills by container id, for the reason a container died. */
    private final Map<String, OomNote> recentOoms = new ConcurrentHashMap<>();
    /** Activity seen by the proxy, written to the catalog by the culler's passes (not on every request). */
    private final Map<ServerKey, Instant> proxyActivity = new ConcurrentHashMap<>();
    private ServerWatcher watcher;

    private final SharedFolders sharedFolders;
    private final DatasetMounts datasetMounts;

    public Spawner(ServerStore servers, Environments environments, Profiles profiles,
                   ProfileStore profileStore, GroupStore groups, PodmanClient podman, NotebookClient notebooks,
                   NotebookContainers containers, SharedFolders sharedFolders, DatasetMounts datasetMounts, NotebookTokens tokens,
                   AuditLog audit, Clock clock, LabhubConfig.Spawner config) {
        this.sharedFolders = sharedFolders;
        this.datasetMounts = datasetMounts;
        this.servers = servers;
        this.environments = environments;
        this.profiles = profiles;
        this.profileStore = profileStore;
        this.groups = groups;
        this.podman = podman;
        this.notebooks = notebooks;
        this.containers = containers;
        this.tokens = tokens;
        this.audit = audit;
        this.clock = clock;
        this.config = config;
        this.startSlots = new Semaphore(config.maxConcurrentSpawns(), true);
    }

    private enum Kind { START, STOP }

    /** One start or stop of one server. */
    private static final class Operation {
        final Kind kind;
        final SpawnProgress progress = new SpawnProgress();
        volatile boolean cancelled;
        /** The container this start made, once made. */
        volatile String containerId;
        /** Set by the watcher when that container exits while the start waits for it. */
        volatile OptionalInt diedWith = null;

        Operation(Kind kind) {
            this.kind = kind;
        }
    }

    private record OomNote(String task, Instant at) {}

    /** A start that failed: what to tell the user, and the HTTP status that fits. */
    private static final class StartFailure extends Exception {
        final int status;

        StartFailure(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    // ---- starting ------------------------------------------------------------------------------------------

    /**
     * Checks a start request and, if it may go ahead, begins it and returns its progress. Refusals are
     * {@link HttpError}s saying what to do instead: unknown or disabled environment (400), profile not open to the
     * user (403), server already running or starting (409), too many servers (409 or 429), image missing (409),
     * Podman down (503).
     */
    public SpawnProgress start(Actor actor, User user, String serverName, String environmentName, String profileName) {
        ServerKey key = serverName.isEmpty() ? ServerKey.defaultOf(user.name()) : new ServerKey(user.name(), checkServerName(serverName));
        if (user.state() != User.State.ACTIVE) {
            throw HttpError.forbidden(user.name() + "'s account is " + user.state().name().toLowerCase() + "; servers cannot start");
        }
        Environment env = environmentName == null || environmentName.isBlank()
                ? preferredEnvironment() : environments.requireStartable(environmentName);
        Profile profile = profiles.require(profileName, user.admin(), groups.groupsOf(user.id()));
        Optional<Server> existing = servers.byKey(key);
        if (existing.isPresent() && existing.get().state().active()) {
            throw alreadyActive(existing.get());
        }
        if (!key.isDefault() && existing.isEmpty()) {
            if (config.maxNamedServers() == 0) {
                throw HttpError.badRequest("named servers are turned off on this hub; start your default server instead");
            }
            if (servers.countNamed(user.id()) >= config.maxNamedServers()) {
                throw HttpError.conflict("you already have " + config.maxNamedServers() + " named servers, the most allowed; "
                        + "delete one you no longer need first");
            }
        }
        int active = servers.countActive();
        if (active >= config.maxRunning()) {
            throw HttpError.tooManyRequests("this hub already runs " + active + " servers, the most it may; "
                    + "try again when someone stops theirs, or ask an administrator", 60);
        }
        requireImage(env);

        Operation op = new Operation(Kind.START);
        if (operations.putIfAbsent(key, op) != null && !replaceFinished(key, op)) {
            throw HttpError.conflict(key.describe() + " is already being started or stopped; follow its progress");
        }
        String nonce = Secrets.randomToken(24);
        if (!servers.claimForStart(user.id(), key.server(), env.name(), profile.name(), nonce, clock.instant())) {
            operations.remove(key, op);
            throw alreadyActive(servers.byKey(key).orElseThrow());
        }
        Server server = servers.byKey(key).orElseThrow();
        audit.record(actor.name(), "server.start", key.toString(), AuditLog.Outcome.OK, actor.address(),
                "environment " + env.name() + ", profile " + profile.name());
        op.progress.step(0, "start requested: " + env.displayName() + ", " + profile.displayName());
        workers.execute(() -> runStart(op, server, env, profile));
        return op.progress;
    }

    private String checkServerName(String name) {
        try {
            return ServerKey.checkName(name);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    /** With no environment named: "python" if it is enabled, else the first enabled one. */
    private Environment preferredEnvironment() {
        List<Environment> enabled = environments.enabled();
        return enabled.stream().filter(e -> e.name().equals("python")).findFirst()
                .or(() -> enabled.stream().findFirst())
                .orElseThrow(() -> HttpError.conflict("no environment is enabled yet; an administrator must build one "
                        + "(./labhub kernels build) or register an image"));
    }

    private static HttpError alreadyActive(Server s) {
        String what = s.state() == Server.State.RUNNING ? "is already running at " + s.key().baseUrl()
                : "is " + s.state().id() + "; follow its progress, or wait until it has stopped";
        return HttpError.conflict(s.key().describe() + " " + what);
    }

    private void requireImage(Environment env) {
        try {
            if (!podman.images().exists(env.image())) {
                throw new HttpError(409, "image_missing", imageMissing(env));
            }
        } catch (PodmanException e) {
            throw podmanDown(e);
        }
    }

    private static String imageMissing(Environment env) {
        return "the image of the environment \"" + env.name() + "\" (" + env.image()
                + ") is missing from Podman; an administrator can rebuild it with ./labhub kernels build " + env.name();
    }

    private static HttpError podmanDown(PodmanException e) {
        log.warn("Podman failed: {}", e.getMessage());
        return HttpError.unavailable("Podman, which runs the notebook servers, is not answering; "
                + "try again in a minute, or ask an administrator to look at /api/health");
    }

    /** A finished operation may be replaced; a running one may not. */
    private boolean replaceFinished(ServerKey key, Operation next) {
        Operation current = operations.get(key);
        return current != null && current.progress.done().isDone() && operations.replace(key, current, next);
    }

    private void runStart(Operation op, Server server, Environment env, Profile profile) {
        ServerKey key = server.key();
        String containerId = null;
        boolean slot = false;
        long began = System.nanoTime();
        try {
            slot = takeStartSlot(op);
            op.progress.step(10, "preparing your home folder and the server's socket");
            checkCancelled(op);
            List<ContainerSpec.Mount> shared;
            try {
                containers.prepareFolders(key, server.userId());
                shared = new ArrayList<>(sharedFolders.prepare(key.user(), HostIds.owner(server.userId())));
                shared.addAll(datasetMounts.prepare(server.userId()));
            } catch (IOException e) {
                log.error("preparing folders for {} failed", key, e);
                throw new StartFailure(500, "the hub could not prepare your home folder (" + e.getMessage() + "); tell an administrator");
            }
            op.progress.step(25, "creating the container (" + env.name() + ", " + profile.cpus() + " CPU, "
                    + ByteSize.format(profile.memoryBytes()) + " memory)");
            String token = tokens.tokenFor(server.id(), server.startNonce().orElseThrow());
            containerId = create(containers.spec(server, env, profile, token, shared), env);
            servers.setContainer(server.id(), containerId);
            op.containerId = containerId;
            checkCancelled(op);
            op.progress.step(45, "starting the container");
            podman.containers().start(containerId);
            op.progress.step(60, "waiting for the notebook to answer");
            awaitNotebook(op, server, containerId, token, profile);
            servers.markRunning(server.id(), clock.instant());
            log.atInfo().addKeyValue("server", key).addKeyValue("environment", env.name())
                    .addKeyValue("ms", (System.nanoTime() - began) / 1_000_000).log("server ready");
            op.progress.ready("your server is ready", key.baseUrl());
        } catch (StartFailure f) {
            failStart(op, server, containerId, f.getMessage(), f.status);
        } catch (PodmanException e) {
            failStart(op, server, containerId, podmanDown(e).getMessage(), 503);
        } catch (RuntimeException | Error e) {
            log.error("starting {} failed", key, e);
            failStart(op, server, containerId, "the start failed unexpectedly (" + e.getClass().getSimpleName()
                    + "); the error was logged for an administrator", 500);
        } finally {
            if (slot) {
                startSlots.release();
            }
            forgetLater(key, op);
        }
    }

    private boolean takeStartSlot(Operation op) throws StartFailure {
        if (startSlots.tryAcquire()) {
            return true;
        }
        int ahead = waitingForSlot.getAndIncrement();
        op.progress.step(5, "waiting in line: " + config.maxConcurrentSpawns() + " servers are starting"
                + (ahead > 0 ? " and " + ahead + " more wait before yours" : ""));
        try {
            if (!startSlots.tryAcquire(config.startTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new StartFailure(503, "the hub is busy starting other servers and yours waited "
                        + config.startTimeout().toSeconds() + " s in line; try again in a minute");
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartFailure(503, "the hub is shutting down");
        } finally {
            waitingForSlot.decrementAndGet();
        }
    }

    /** Creates the container; a leftover of the same name (from a crash mid-start) is removed and creation retried once. */
    private String create(ContainerSpec spec, Environment env) throws StartFailure {
        try {
            return podman.containers().create(spec);
        } catch (PodmanException.Conflict leftover) {
            log.info("removing leftover container {} before starting it again", spec.name());
            removeQuietly(spec.name());
            return podman.containers().create(spec);
        } catch (PodmanException.NotFound noImage) {
            throw new StartFailure(409, imageMissing(env));
        }
    }

    /** Polls the socket until the notebook answers, the container exits, the start is cancelled, or time runs out. */
    private void awaitNotebook(Operation op, Server server, String containerId, String token, Profile profile) throws StartFailure {
        ServerKey key = server.key();
        long deadline = System.nanoTime() + config.startTimeout().toNanos();
        long waitedMs = 0;
        int lastShown = 60;
        while (true) {
            checkCancelled(op);
            OptionalInt died = op.diedWith;
            if (died != null) {
                throw new StartFailure(500, diedMessage(containerId, died, profile, true));
            }
            try {
                notebooks.status(containers.socket(key), key.baseUrl(), token, Duration.ofSeconds(2));
                return;
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new StartFailure(504, "the notebook did not answer within " + config.startTimeout().toSeconds() + " s"
                        + lastLogLines(containerId));
            }
            // Notebooks answer after about a second: poll often at first, less often later.
            long pause = waitedMs < 3000 ? 25 : 200;
            sleep(pause);
            waitedMs += pause;
            int shown = (int) Math.min(95, 60 + waitedMs / 100);
            if (shown >= lastShown + 5) {
                lastShown = shown;
                op.progress.step(shown, "waiting for the notebook to answer (" + waitedMs / 1000 + " s)");
            }
        }
    }

    private static final String CANCELLED = "stopped before it was ready";

    private void checkCancelled(Operation op) throws StartFailure {
        if (op.cancelled) {
            throw new StartFailure(409, CANCELLED);
        }
    }

    private void failStart(Operation op, Server server, String containerId, String message, int status) {
        log.atWarn().addKeyValue("server", server.key()).addKeyValue("status", status).log("start failed: {}", message);
        if (containerId != null) {
            removeQuietly(containerId);
        } else {
            removeQuietly(containers.containerName(server.key()));
        }
        containers.removeSocketDir(server.key());
        // A start cancelled by a stop is a stop the user asked for: no reason to show.
        servers.markStopped(server.id(), message.equals(CANCELLED) ? "" : message, OptionalInt.empty(), clock.instant());
        op.progress.failed(message, status);
    }

    // ---- stopping ------------------------------------------------------------------------------------------

    /**
     * Stops a server and removes its container (the home stays). A start under way is cancelled first. Returns
     * the stop's progress; a server already stopped gives a finished one.
     *
     * @param reason recorded and shown to the user; empty for a stop they asked for themselves
     */
    public SpawnProgress stop(Actor actor, ServerKey key, String reason) {
        Server server = servers.byKey(key).orElseThrow(() -> HttpError.notFound(key.describe() + " does not exist"));
        Operation running = operations.get(key);
        if (running != null && running.kind == Kind.STOP && !running.progress.done().isDone()) {
            return running.progress;
        }
        if (!server.state().active() && (running == null || running.progress.done().isDone())) {
            SpawnProgress p = new SpawnProgress();
            p.stopped(key.describe() + " is not running");
            return p;
        }
        Operation op = new Operation(Kind.STOP);
        audit.record(actor.name(), "server.stop", key.toString(), AuditLog.Outcome.OK, actor.address(), reason);
        op.progress.step(0, "stop requested");
        workers.execute(() -> runStop(op, key, reason));
        return op.progress;
    }

    private void runStop(Operation op, ServerKey key, String reason) {
        try {
            // Wait for (and cancel) a start under way, then own the server.
            while (true) {
                Operation current = operations.get(key);
                if (current == null || current.progress.done().isDone()) {
                    if (current == null ? operations.putIfAbsent(key, op) == null : operations.replace(key, current, op)) {
                        break;
                    }
                    continue;
                }
                if (current.kind == Kind.STOP) {
                    current.progress.done().join();
                    op.progress.stopped(key.describe() + " is stopped");
                    return;
                }
                current.cancelled = true;
                op.progress.step(5, "cancelling the start under way");
                current.progress.done().join();
            }
            Optional<Server> server = servers.byKey(key);
            if (server.isEmpty() || !server.get().state().active()) {
                op.progress.stopped(key.describe() + " is stopped");
                return;
            }
            Server s = server.get();
            servers.markStopping(s.id());
            op.progress.step(20, "stopping: the notebook saves nothing more and shuts its kernels down");
            OptionalInt exit = OptionalInt.empty();
            if (s.containerId().isPresent()) {
                exit = stopAndRemove(s.containerId().get());
            }
            containers.removeSocketDir(key);
            servers.markStopped(s.id(), reason, exit, clock.instant());
            op.progress.stopped(reason.isEmpty() ? key.describe() + " is stopped" : reason);
        } catch (PodmanException e) {
            log.warn("stopping {} failed: {}", key, e.getMessage());
            op.progress.failed(podmanDown(e).getMessage(), 503);
        } catch (RuntimeException e) {
            log.error("stopping {} failed", key, e);
            op.progress.failed("the stop failed unexpectedly; the error was logged for an administrator", 500);
        } finally {
            forgetLater(key, op);
        }
    }

    /** Stops gracefully (the notebook gets the stop timeout to end its kernels), then removes the container. */
    private OptionalInt stopAndRemove(String containerId) {
        OptionalInt exit = OptionalInt.empty();
        try {
            podman.containers().stop(containerId, (int) Math.max(1, config.stopTimeout().toSeconds()));
            exit = OptionalInt.of(podman.containers().inspect(containerId).state().exitCode());
        } catch (PodmanException.NotFound gone) {
            return exit;
        } catch (PodmanException.Conflict notRunning) {
            // already stopped: remove it
        }
        removeQuietly(containerId);
        return exit;
    }

    /** Removes a container by id or name; "no such container" (also after Podman 4.3's "device busy") counts as done. */
    void removeQuietly(String container) {
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                podman.containers().remove(container, true);
                return;
            } catch (PodmanException.NotFound gone) {
                return;
            } catch (PodmanException e) {
                log.debug("removing {} failed (attempt {}): {}", container, attempt + 1, e.getMessage());
                sleep(200);
            }
        }
    }

    /**
     * Stops a server (waiting for the stop) and starts it again with its environment and profile; returns the start's
     * progress.
     */
    public SpawnProgress restart(Actor actor, User user, ServerKey key) {
        Server s = servers.byKey(key).orElseThrow(() -> HttpError.notFound(key.describe() + " does not exist; start it first"));
        SpawnProgress.Event stopped = stop(actor, key, "").done().join();
        if (stopped.failed()) {
            throw new HttpError(stopped.status(), "stop_failed", stopped.message());
        }
        return start(actor, user, key.server(), s.environment(), s.profile());
    }

    /** Deletes a named server: stops it if needed and forgets it. The home is not touched. */
    public void delete(Actor actor, ServerKey key) {
        if (key.isDefault()) {
            throw HttpError.badRequest("the default server cannot be deleted, only stopped");
        }
        Server s = servers.byKey(key).orElseThrow(() -> HttpError.notFound(key.describe() + " does not exist"));
        SpawnProgress stop = stop(actor, key, "");
        stop.done().join();
        if (!servers.delete(s.id())) {
            throw HttpError.conflict(key.describe() + " was started again meanwhile; stop it first");
        }
        operations.remove(key);
        audit.record(actor.name(), "server.delete", key.toString(), AuditLog.Outcome.OK, actor.address(), "");
    }

    /** Stops every server of a user who is being disabled or deleted, and waits for it. */
    public void stopAllOf(String user, String reason) {
        List<SpawnProgress> stops = servers.ofUser(user).stream().filter(s -> s.state().active())
                .map(s -> stop(Actor.HUB, s.key(), reason)).toList();
        for (SpawnProgress p : stops) {
            p.done().orTimeout(config.stopTimeout().toSeconds() + 30, TimeUnit.SECONDS).exceptionally(t -> null).join();
        }
    }

    // ---- what the watcher and the culler report ---------------------------------------------------------------

    /** A container of this hub exited. A start waiting for it gives up; a running server is recorded as stopped. */
    void containerDied(String containerId, String serverId, OptionalInt exitCode) {
        Optional<Server> found = serverFor(containerId, serverId);
        if (found.isEmpty()) {
            return;
        }
        Server s = found.get();
        Operation op = operations.get(s.key());
        if (op != null && !op.progress.done().isDone()) {
            if (op.kind == Kind.START && containerId.equals(op.containerId)) {
                op.diedWith = exitCode;
            }
            return; // the operation under way deals with it (a late event of an earlier container is old news)
        }
        if (s.state() != Server.State.RUNNING) {
            return;
        }
        Profile profile = profileStore.byName(s.profile()).orElse(null);
        String reason = diedMessage(containerId, exitCode, profile, false);
        if (servers.markStopped(s.id(), reason, exitCode, clock.instant())) {
            log.atWarn().addKeyValue("server", s.key()).log("server stopped on its own: {}", reason);
            audit.record(Actor.HUB.name(), "server.died", s.key().toString(), AuditLog.Outcome.OK, "", reason);
        }
        workers.execute(() -> {
            removeQuietly(containerId);
            containers.removeSocketDir(s.key());
        });
    }

    /** A container of this hub was removed; if its server was running, someone removed it from outside. */
    void containerRemoved(String containerId, String serverId) {
        serverFor(containerId, serverId).filter(s -> s.state() == Server.State.RUNNING && !busy(s.key())).ifPresent(s -> {
            if (servers.markStopped(s.id(), "the container was removed outside labhub", OptionalInt.empty(), clock.instant())) {
                containers.removeSocketDir(s.key());
            }
        });
    }

    /** The kernel killed a process in one of this hub's containers for lack of memory. */
    void outOfMemory(String containerId, String task, Instant at) {
        recentOoms.put(containerId, new OomNote(task, at));
        recentOoms.entrySet().removeIf(e -> e.getValue().at().isBefore(at.minus(Duration.ofMinutes(10))));
        serverFor(containerId, "").ifPresent(s -> {
            servers.recordOom(s.id(), task, at);
            log.atWarn().addKeyValue("server", s.key()).addKeyValue("task", task).log("out of memory: a process was killed");
        });
    }

    private Optional<Server> serverFor(String containerId, String serverId) {
        // By container id; by the server-id label only while the server's container is not recorded yet.
        return servers.active().stream()
                .filter(s -> s.containerId().map(containerId::equals)
                        .orElse(!serverId.isEmpty() && Long.toString(s.id()).equals(serverId)))
                .findFirst();
    }

    private String diedMessage(String containerId, OptionalInt exitCode, Profile profile, boolean duringStart) {
        awaitOomNote(containerId);
        OomNote oom = recentOoms.get(containerId);
        String when = duringStart ? " while starting" : "";
        if (oom != null) {
            return "the server ran out of memory" + when + " (" + oom.task() + " was killed"
                    + (profile == null ? "" : "; the " + profile.name() + " profile allows " + ByteSize.format(profile.memoryBytes()))
                    + "); choose a larger profile or use less memory";
        }
        if (exitCode.isPresent() && exitCode.getAsInt() == 137) {
            return "the server was killed" + when + " (signal 9)";
        }
        String code = exitCode.isPresent() ? " with code " + exitCode.getAsInt() : "";
        return "the notebook exited" + when + code + lastLogLines(containerId);
    }

    /** The kernel logs an OOM kill a moment before Podman reports the death; give that line a moment to arrive. */
    private void awaitOomNote(String containerId) {
        for (int i = 0; i < 10 && !recentOoms.containsKey(containerId); i++) {
            sleep(20);
        }
    }

    private String lastLogLines(String containerId) {
        if (containerId == null) {
            return "";
        }
        try {
            String logs = podman.containers().logs(containerId, LOG_LINES_IN_ERRORS).strip();
            return logs.isEmpty() ? "" : "; its last output: " + logs.replaceAll("\\s*\n\\s*", " | ");
        } catch (PodmanException e) {
            return "";
        }
    }

    /** Activity the proxy saw; cheap, written to the catalog by the next culler pass. */
    public void recordActivity(ServerKey key) {
        proxyActivity.put(key, clock.instant());
    }

    // ---- reading ---------------------------------------------------------------------------------------------

    /** The progress of a start or stop under way or just finished, if there is one. */
    public Optional<SpawnProgress> progress(ServerKey key) {
        return Optional.ofNullable(operations.get(key)).map(op -> op.progress);
    }

    public Optional<Server> server(ServerKey key) {
        return servers.byKey(key);
    }

    public List<Server> serversOf(String user) {
        return servers.ofUser(user);
    }

    public List<Server> all() {
        return servers.all();
    }

    /** A CPU and memory sample of a running server; empty when it is not running or Podman gives none. */
    public Optional<ContainerStats> stats(Server s) {
        if (s.state() != Server.State.RUNNING || s.containerId().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(podman.containers().stats(s.containerId().get()));
        } catch (PodmanException e) {
            return Optional.empty(); // the container is going, or Podman is not answering (see /api/health)
        }
    }

    /** What the server's notebook says of itself over its socket; an exception when it does not answer. */
    NotebookClient.Status notebookStatus(Server s, Duration timeout) throws IOException {
        return notebooks.status(containers.socket(s.key()), s.key().baseUrl(), tokenOf(s), timeout);
    }

    /** The token of a running server's current start, for the proxy. */
    public String tokenOf(Server s) {
        return tokens.tokenFor(s.id(), s.startNonce().orElseThrow());
    }

    public NotebookContainers containers() {
        return containers;
    }

    ServerStore store() {
        return servers;
    }

    Map<ServerKey, Instant> drainProxyActivity() {
        Map<ServerKey, Instant> copy = Map.copyOf(proxyActivity);
        copy.forEach(proxyActivity::remove);
        return copy;
    }

    boolean busy(ServerKey key) {
        Operation op = operations.get(key);
        return op != null && !op.progress.done().isDone();
    }

    PodmanClient podman() {
        return podman;
    }

    LabhubConfig.Spawner config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    private void forgetLater(ServerKey key, Operation op) {
        CompletableFuture.delayedExecutor(KEEP_FINISHED.toMillis(), TimeUnit.MILLISECONDS).execute(() -> operations.remove(key, op));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Begins watching: follows Podman's events (from now on), then reconciles the catalog with what runs, then
     * culls idle servers on {@code maintenance}. Podman being down is logged, not fatal: the watcher keeps trying.
     */
    public void begin(ScheduledExecutorService maintenance) {
        watcher = new ServerWatcher(this, containers.hubId());
        watcher.start();
        try {
            new Reconciler(this).run();
        } catch (PodmanException e) {
            log.warn("cannot reconcile servers with Podman now: {}", e.getMessage());
        }
        if (!config.idleTimeout().isZero()) {
            long every = IdleCuller.interval(config.idleTimeout()).toMillis();
            maintenance.scheduleWithFixedDelay(new IdleCuller(this, config.idleTimeout()), every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops watching and the workers; servers keep running (the next hub adopts them). */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        workers.shutdownNow();
    }
}
