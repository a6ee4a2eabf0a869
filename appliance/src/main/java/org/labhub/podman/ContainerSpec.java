package org.labhub.podman;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What to create, as labhub thinks of it, mapped to Podman 4.3's SpecGenerator JSON in one place
 * ({@link #toSpecGenerator}). Hardened by default: no network, read-only root, every capability dropped,
 * no-new-privileges, explicit rlimits (this host refuses to inherit its own).
 *
 * @param userNsSize size of the automatic user namespace ({@code --userns=auto:size=N}); 0 for none
 * @param idMapping a fixed user namespace ({@code --uidmap 0:BASE:SIZE --gidmap 0:BASE:SIZE}); null for none
 * @param ociRuntime OCI runtime name, or empty for the client's default
 */
public record ContainerSpec(
        String name, String image, List<String> entrypoint, List<String> command,
        Map<String, String> env, Map<String, String> labels,
        String user, String workDir, String hostname,
        String networkMode, int userNsSize, IdMapping idMapping, boolean readOnlyRootfs,
        List<Mount> mounts, List<String> capDrop, List<String> capAdd, boolean noNewPrivileges,
        long memoryBytes, long cpuQuota, long cpuPeriod, long pidsLimit,
        List<Rlimit> rlimits, String ociRuntime, OptionalInt stopTimeoutSeconds) {

    public ContainerSpec {
        Objects.requireNonNull(image, "image");
        if (image.isBlank()) {
            throw new IllegalArgumentException("a container needs an image");
        }
        if (!name.isEmpty() && !name.matches("[a-zA-Z0-9][a-zA-Z0-9_.-]*")) {
            throw new IllegalArgumentException("container name " + name + ": letters, digits, _ . - only, not first");
        }
        entrypoint = List.copyOf(entrypoint);
        command = List.copyOf(command);
        env = Map.copyOf(env);
        labels = Map.copyOf(labels);
        mounts = List.copyOf(mounts);
        capDrop = List.copyOf(capDrop);
        capAdd = List.copyOf(capAdd);
        rlimits = List.copyOf(rlimits);
        if (userNsSize > 0 && idMapping != null) {
            throw new IllegalArgumentException("choose either an automatic user namespace or a fixed id mapping");
        }
    }

    /** Container ids 0…size-1 are host ids hostBase…hostBase+size-1, for users and groups alike. */
    public record IdMapping(long hostBase, long size) {
        public IdMapping {
            if (hostBase <= 0 || size <= 0) {
                throw new IllegalArgumentException("an id mapping needs a host base above 0 and a size");
            }
        }
    }

    public static Builder builder(String image) {
        return new Builder(image);
    }

    /** A bind mount of a host path, or a tmpfs; {@code options} are Podman's (ro, U, size=, mode=, nosuid …). */
    public record Mount(String type, String source, String destination, List<String> options) {
        public Mount {
            options = List.copyOf(options);
        }

        public static Mount bind(String hostPath, String destination, String... options) {
            List<String> o = new ArrayList<>(List.of("rbind"));
            o.addAll(List.of(options));
            return new Mount("bind", hostPath, destination, o);
        }

        /**
         * A tmpfs of at most {@code sizeBytes}, empty ({@code notmpcopyup}: nothing copied from the image). The
         * octal {@code mode} only counts where the image lacks the folder: runc gives the tmpfs the mode of the
         * image's folder when there is one (an image's /tmp must be 1777 for a non-root user to write there).
         */
        public static Mount tmpfs(String destination, long sizeBytes, String mode) {
            return new Mount("tmpfs", "tmpfs", destination,
                    List.of("size=" + sizeBytes, "mode=" + mode, "nosuid", "nodev", "notmpcopyup"));
        }
    }

    /** A POSIX rlimit by Podman's short name: {@code nofile}, {@code nproc} (Podman adds the RLIMIT_ prefix). */
    public record Rlimit(String type, long soft, long hard) {}

    /** The SpecGenerator body of {@code POST /containers/create}; field names checked against a created container. */
    Map<String, Object> toSpecGenerator(String defaultRuntime) {
        Map<String, Object> s = new LinkedHashMap<>();
        put(s, "name", name);
        s.put("image", image);
        putList(s, "entrypoint", entrypoint);
        putList(s, "command", command);
        if (!env.isEmpty()) {
            s.put("env", env);
        }
        if (!labels.isEmpty()) {
            s.put("labels", labels);
        }
        put(s, "user", user);
        put(s, "work_dir", workDir);
        put(s, "hostname", hostname);
        s.put("netns", Map.of("nsmode", networkMode));
        if (userNsSize > 0) {
            // Both are needed: "userns" alone is accepted but creates no user namespace in Podman 4.3.
            s.put("userns", Map.of("nsmode", "auto"));
            s.put("idmappings", Map.of("AutoUserNs", true, "AutoUserNsOpts", Map.of("Size", userNsSize)));
        }
        if (idMapping != null) {
            // "private" plus explicit maps is the API's --uidmap/--gidmap; the same range for users and groups.
            List<Map<String, Object>> map = List.of(Map.of("container_id", 0, "host_id", idMapping.hostBase(), "size", idMapping.size()));
            s.put("userns", Map.of("nsmode", "private"));
            s.put("idmappings", Map.of("UIDMap", map, "GIDMap", map));
        }
        s.put("read_only_filesystem", readOnlyRootfs);
        if (!mounts.isEmpty()) {
            List<Map<String, Object>> m = new ArrayList<>();
            for (Mount mount : mounts) {
                m.add(Map.of("type", mount.type(), "source", mount.source(), "destination", mount.destination(),
                        "options", mount.options()));
            }
            s.put("mounts", m);
        }
        putList(s, "cap_drop", capDrop);
        putList(s, "cap_add", capAdd);
        s.put("no_new_privileges", noNewPrivileges);
        Map<String, Object> limits = new LinkedHashMap<>();
        if (memoryBytes > 0) {
            limits.put("memory", Map.of("limit", memoryBytes));
        }
        if (cpuQuota > 0) {
            limits.put("cpu", Map.of("quota", cpuQuota, "period", cpuPeriod));
        }
        if (pidsLimit > 0) {
            limits.put("pids", Map.of("limit", pidsLimit));
        }
        if (!limits.isEmpty()) {
            s.put("resource_limits", limits);
        }
        if (!rlimits.isEmpty()) {
            List<Map<String, Object>> r = new ArrayList<>();
            for (Rlimit l : rlimits) {
                r.add(Map.of("type", l.type(), "soft", l.soft(), "hard", l.hard()));
            }
            s.put("r_limits", r);
        }
        put(s, "oci_runtime", ociRuntime.isEmpty() ? defaultRuntime : ociRuntime);
        stopTimeoutSeconds.ifPresent(t -> s.put("stop_timeout", t));
        return s;
    }

    private static void put(Map<String, Object> s, String key, String value) {
        if (value != null && !value.isEmpty()) {
            s.put(key, value);
        }
    }

    private static void putList(Map<String, Object> s, String key, List<String> value) {
        if (!value.isEmpty()) {
            s.put(key, value);
        }
    }

    /** Builds a spec starting from the hardened defaults. */
    public static final class Builder {
        private static final long CPU_PERIOD = 100_000;

        private final String image;
        private String name = "";
        private List<String> entrypoint = List.of();
        private List<String> command = List.of();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private String user = "";
        private String workDir = "";
        private String hostname = "";
        private String networkMode = "none";
        private int userNsSize;
        private IdMapping idMapping;
        private boolean readOnlyRootfs = true;
        private final List<Mount> mounts = new ArrayList<>();
        private List<String> capDrop = List.of("ALL");
        private List<String> capAdd = List.of();
        private boolean noNewPrivileges = true;
        private long memoryBytes;
        private long cpuQuota;
        private long pidsLimit;
        private List<Rlimit> rlimits = List.of(new Rlimit("nofile", 1024, 1024), new Rlimit("nproc", 4096, 4096));
        private String ociRuntime = "";
        private OptionalInt stopTimeout = OptionalInt.empty();

        private Builder(String image) {
            this.image = image;
        }

        public Builder name(String v) { name = v; return this; }
        public Builder entrypoint(String... v) { entrypoint = List.of(v); return this; }
        public Builder command(String... v) { command = List.of(v); return this; }
        public Builder command(List<String> v) { command = List.copyOf(v); return this; }
        public Builder env(String key, String value) { env.put(key, value); return this; }
        public Builder label(String key, String value) { labels.put(key, value); return this; }
        public Builder labels(Map<String, String> v) { labels.putAll(v); return this; }
        /** {@code uid:gid} or a name from the image's /etc/passwd. */
        public Builder user(String v) { user = v; return this; }
        public Builder workDir(String v) { workDir = v; return this; }
        public Builder hostname(String v) { hostname = v; return this; }
        /** Podman's network mode: {@code none} (the default), {@code private}, {@code slirp4netns}, {@code host}. */
        public Builder network(String v) { networkMode = v; return this; }
        /** A user namespace allocated by Podman from the {@code containers} range of /etc/subuid, of this many ids. */
        public Builder autoUserNamespace(int size) { userNsSize = size; return this; }
        /** A fixed user namespace: container ids from 0 map to host ids from {@code hostBase}, {@code size} of them. */
        public Builder idMapping(long hostBase, long size) { idMapping = new IdMapping(hostBase, size); return this; }
        public Builder readOnlyRootfs(boolean v) { readOnlyRootfs = v; return this; }
        public Builder mount(Mount m) { mounts.add(m); return this; }
        public Builder capDrop(String... v) { capDrop = List.of(v); return this; }
        public Builder capAdd(String... v) { capAdd = List.of(v); return this; }
        public Builder noNewPrivileges(boolean v) { noNewPrivileges = v; return this; }
        public Builder memoryBytes(long v) { memoryBytes = v; return this; }
        /** CPU time as a number of CPUs (1.5 = one and a half), enforced as a CFS quota per 100 ms period. */
        public Builder cpus(double v) { cpuQuota = Math.round(v * CPU_PERIOD); return this; }
        public Builder pidsLimit(long v) { pidsLimit = v; return this; }
        public Builder rlimits(Rlimit... v) { rlimits = List.of(v); return this; }
        public Builder ociRuntime(String v) { ociRuntime = v; return this; }
        public Builder stopTimeoutSeconds(int v) { stopTimeout = OptionalInt.of(v); return this; }

        public ContainerSpec build() {
            return new ContainerSpec(name, image, entrypoint, command, env, labels, user, workDir, hostname,
                    networkMode, userNsSize, idMapping, readOnlyRootfs, mounts, capDrop, capAdd, noNewPrivileges,
                    memoryBytes, cpuQuota, CPU_PERIOD, pidsLimit, rlimits, ociRuntime, stopTimeout);
        }
    }
}
