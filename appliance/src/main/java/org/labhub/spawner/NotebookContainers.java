package org.labhub.spawner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.labhub.environments.Environment;
import org.labhub.environments.Profile;
import org.labhub.podman.ContainerSpec;
import org.labhub.storage.Homes;
import org.labhub.storage.HostIds;

/**
 * What a notebook container is on this host: its name and labels, its folders, and its hardened spec. The one
 * place that decides how a server's container looks, so reconciliation and tests read the same facts.
 */
public final class NotebookContainers {
    public static final String LABEL_HUB = "org.labhub.hub";
    public static final String LABEL_USER = "org.labhub.user";
    public static final String LABEL_SERVER = "org.labhub.server";
    public static final String LABEL_SERVER_ID = "org.labhub.server-id";
    public static final String LABEL_ENVIRONMENT = "org.labhub.environment";
    public static final String LABEL_PROFILE = "org.labhub.profile";

    /** Where the socket folder and the home appear inside the container. */
    static final String CONTAINER_RUN = "/run/labhub";
    /** Where a user's home appears in their containers, servers and batch jobs alike. */
    public static final String CONTAINER_HOME = "/home/jovyan";
    static final String SOCKET_NAME = "notebook.sock";
    /** /tmp holds kernel connection files and scratch; it counts against the server's memory, so it is capped. */
    private static final long TMP_MAX = 1L << 30;

    private final String hubId;
    private final Path runRoot;
    private final Homes homes;
    private final String runtime;
    private final Duration stopTimeout;

    /**
     * @param hubId this hub's id: its containers carry it, so hubs sharing one Podman never touch each other's
     * @param runRoot {@code <data>/run/users}: one folder per user, one per server in it
     */
    public NotebookContainers(String hubId, Path runRoot, Homes homes, String runtime, Duration stopTimeout) {
        this.hubId = hubId;
        this.runRoot = runRoot;
        this.homes = homes;
        this.runtime = runtime;
        this.stopTimeout = stopTimeout;
    }

    public String hubId() {
        return hubId;
    }

    /** {@code labhub-<hub>-alice} or {@code labhub-<hub>-alice.analysis}: '.' is in neither user nor server names. */
    public String containerName(ServerKey key) {
        return "labhub-" + hubId + "-" + key.user() + (key.isDefault() ? "" : "." + key.server());
    }

    public Path socketDir(ServerKey key) {
        return runRoot.resolve(key.user()).resolve(key.isDefault() ? "default" : key.server());
    }

    public Path socket(ServerKey key) {
        return socketDir(key).resolve(SOCKET_NAME);
    }

    /**
     * Makes the home and the socket folder, owned by the user's container uid with mode 0700, and removes a socket
     * left by an earlier start. The home is walked only when its top folder has another owner.
     */
    public void prepareFolders(ServerKey key, long userId) throws IOException {
        long owner = HostIds.owner(userId);
        prepareHome(key.user(), userId);
        Path userRun = runRoot.resolve(key.user());
        Files.createDirectories(userRun);
        Files.setPosixFilePermissions(runRoot, PosixFilePermissions.fromString("rwx------"));
        Path dir = socketDir(key);
        Files.createDirectories(dir);
        HostIds.claim(dir, owner, false);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Files.deleteIfExists(socket(key));
    }

    /** The user's home, made if missing and owned by their uid, private: as every container of theirs mounts it. */
    public Path prepareHome(String user, long userId) throws IOException {
        Path home = homes.create(user);
        HostIds.claim(home, HostIds.owner(userId), false);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
        return home;
    }

    /** Removes the socket folder of a server that is gone (the home stays, of course). */
    public void removeSocketDir(ServerKey key) {
        try {
            Files.deleteIfExists(socket(key));
            Files.deleteIfExists(socketDir(key));
        } catch (IOException e) {
            // a leftover empty folder is harmless; the next start reuses it
        }
    }

    /**
     * The image's own start script, with the notebook's output rate limit raised from 1 MB/s to 100 MB/s: outputs
     * travel over a local socket and the hub's proxy, and a 10 MB table must arrive, not be replaced by a warning.
     * The limit still stops a runaway print loop from flooding the browser.
     */
    static final List<String> NOTEBOOK_COMMAND = List.of("/usr/local/bin/labhub-notebook",
            "--NotebookApp.iopub_data_rate_limit=100000000");

    /** The hardened container for one start of a server. */
    public ContainerSpec spec(Server server, Environment env, Profile profile, String token, List<ContainerSpec.Mount> shared) {
        ServerKey key = server.key();
        ContainerSpec.Builder spec = hardened(env.image(), env.network(), profile, server.userId())
                .name(containerName(key))
                .labels(Map.of(LABEL_HUB, hubId, LABEL_USER, key.user(), LABEL_SERVER, key.server(),
                        LABEL_SERVER_ID, Long.toString(server.id()), LABEL_ENVIRONMENT, env.name(), LABEL_PROFILE, profile.name()))
                .command(NOTEBOOK_COMMAND)
                .hostname(key.isDefault() ? key.user() : key.user() + "-" + key.server())
                .workDir(CONTAINER_HOME)
                .mount(ContainerSpec.Mount.bind(homes.of(key.user()).toString(), CONTAINER_HOME, "rw"))
                .mount(ContainerSpec.Mount.bind(socketDir(key).toString(), CONTAINER_RUN, "rw"))
                .env("LABHUB_SOCKET", CONTAINER_RUN + "/" + SOCKET_NAME)
                .env("LABHUB_TOKEN", token)
                .env("LABHUB_BASE_URL", key.baseUrl())
                .stopTimeoutSeconds((int) Math.max(1, stopTimeout.toSeconds()));
        shared.forEach(spec::mount);
        return spec.build();
    }

    /**
     * What every container that runs a user's code shares, servers and batch runs alike: the user's fixed user
     * namespace (their files keep one host owner), the notebook user, read-only root with a capped /tmp, every
     * capability dropped, no new privileges, the profile's CPU, memory and process limits, explicit rlimits.
     * Callers add name, labels, command and their folders.
     */
    public ContainerSpec.Builder hardened(String image, String network, Profile profile, long userId) {
        return ContainerSpec.builder(image)
                .user(HostIds.CONTAINER_UID + ":" + HostIds.CONTAINER_UID)
                .network(network)
                .idMapping(HostIds.base(userId), HostIds.RANGE)
                .readOnlyRootfs(true)
                .capDrop("ALL")
                .noNewPrivileges(true)
                .mount(ContainerSpec.Mount.tmpfs("/tmp", Math.min(TMP_MAX, profile.memoryBytes() / 2), "1777"))
                .memoryBytes(profile.memoryBytes())
                .cpus(profile.cpus())
                .pidsLimit(profile.pidsLimit())
                .rlimits(new ContainerSpec.Rlimit("nofile", 4096, 4096), new ContainerSpec.Rlimit("nproc", 4096, 4096))
                .ociRuntime(runtime);
    }
}
