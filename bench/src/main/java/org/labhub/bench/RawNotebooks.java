package org.labhub.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The spawn baseline: the notebook image started with {@code podman run -d} and exactly the hardening flags of
 * kernels/README.md, no hub. Slot n is a user of its own: host ids {@code BASE + 65536 × n}, a home and a socket
 * folder owned by that range's uid 1000 with mode 0700, reused from start to start as the hub reuses a user's.
 */
final class RawNotebooks implements AutoCloseable {
    /** kernels/test.sh's range: 0x70000000, far above the hub's first users (2^30 + 65536 × user id). */
    static final long BASE = 1879048192L;
    static final long RANGE = 65536;
    static final String LABEL = "org.labhub.bench-run";
    /** The same poll interval as the hub's spawner for its first 3 s, so neither side wins by polling faster. */
    static final Duration POLL = Duration.ofMillis(25);
    private static final Duration MAX_READY = Duration.ofSeconds(60);
    /** Podman commands under way: stopped on close, so that none creates a container after the clean-up looked. */
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static volatile boolean closing;

    private final String podman;
    private final String image;
    private final Path root;
    private final String runId;

    RawNotebooks(String podman, String image, Path root, String runId) {
        this.podman = podman;
        this.image = image;
        this.root = root;
        this.runId = runId;
    }

    String name(int slot) {
        return "labhub-bench-raw-" + runId + "-" + slot;
    }

    /** Makes the home and socket folder of each slot, owned by its uid 1000 on the host (BASE + 65536 × slot + 1000). */
    void prepare(int slots) throws IOException {
        Files.createDirectories(root);
        for (int slot = 0; slot < slots; slot++) {
            int owner = Math.toIntExact(BASE + RANGE * slot + 1000);
            for (Path dir : List.of(home(slot), runDir(slot))) {
                Files.createDirectories(dir);
                Files.setAttribute(dir, "unix:uid", owner);
                Files.setAttribute(dir, "unix:gid", owner);
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            }
        }
    }

    private Path home(int slot) {
        return root.resolve("slot-" + slot).resolve("home");
    }

    private Path runDir(int slot) {
        return root.resolve("slot-" + slot).resolve("run");
    }

    /** {@code podman run -d …} then polls {@code /api/status} over the socket; returns the seconds to the first 200. */
    double start(int slot) throws IOException, InterruptedException {
        long base = BASE + RANGE * slot;
        String token = HexFormat.of().formatHex(randomBytes());
        String baseUrl = "/user/raw" + slot + "/";
        Path socket = runDir(slot).resolve("notebook.sock");
        Files.deleteIfExists(socket);
        List<String> cmd = new ArrayList<>(List.of(podman, "run", "-d", "--name", name(slot),
                "--label", "org.labhub.bench=spawn", "--label", LABEL + "=" + runId,
                "--network=none", "--read-only", "--tmpfs", "/tmp", "--cap-drop=ALL", "--security-opt=no-new-privileges",
                "--pids-limit", "512", "--memory=2g", "--cpus=1", "--user", "1000:1000",
                "--uidmap", "0:" + base + ":65536", "--gidmap", "0:" + base + ":65536", "--runtime", "runc",
                "-v", home(slot) + ":/home/jovyan", "-v", runDir(slot) + ":/run/labhub",
                "-e", "LABHUB_SOCKET=/run/labhub/notebook.sock", "-e", "LABHUB_TOKEN=" + token, "-e", "LABHUB_BASE_URL=" + baseUrl,
                image));
        if (closing) {
            throw new IOException("the benchmark is stopping");
        }
        long t0 = System.nanoTime();
        run(cmd, Duration.ofSeconds(60));
        NotebookStatus.await(socket, baseUrl, token, POLL, MAX_READY);
        return (System.nanoTime() - t0) / 1e9;
    }

    /** {@code podman rm -f -t 0} of these slots; returns the seconds it took. */
    double remove(List<Integer> slots) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(podman, "rm", "-f", "-t", "0"));
        slots.forEach(s -> cmd.add(name(s)));
        long t0 = System.nanoTime();
        try {
            run(cmd, Duration.ofSeconds(60));
        } catch (IOException e) {
            // Podman 4.3 sometimes reports "unlinkat …/userdata/shm: device or resource busy" when containers start
            // or stop at the same moment; the container is gone by then (kernels/README.md). Fail only if one is left.
            for (int s : slots) {
                if (exists(name(s))) {
                    throw e;
                }
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private boolean exists(String name) throws InterruptedException {
        try {
            run(List.of(podman, "container", "exists", name), Duration.ofSeconds(30));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes every container of this run, whatever state it is in (also from a shutdown hook). */
    @Override
    public void close() {
        closing = true;
        for (Process p : LIVE) {
            p.destroy();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        removeLabelled(podman, LABEL + "=" + runId);
    }

    /** {@code podman rm -f -t 0} of all containers carrying {@code label} (key=value); errors are ignored. */
    static void removeLabelled(String podman, String label) {
        try {
            String ids = run(List.of(podman, "ps", "-aq", "--filter", "label=" + label), Duration.ofSeconds(30)).trim();
            if (ids.isEmpty()) {
                return;
            }
            List<String> cmd = new ArrayList<>(List.of(podman, "rm", "-f", "-t", "0"));
            cmd.addAll(List.of(ids.split("\\s+")));
            run(cmd, Duration.ofSeconds(60));
        } catch (IOException e) {
            // best effort; bench/run.sh removes the run's containers again by label
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs a command to its end; its output, or IOException with the output when it fails or runs over. */
    static String run(List<String> cmd, Duration max) throws IOException, InterruptedException {
        // Output to a file, not a pipe: conmon, which podman run leaves behind, must not hold our pipe open.
        Path out = Files.createTempFile("labhub-bench-podman", ".out");
        String text;
        Process p = null;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            LIVE.add(p);
            if (!p.waitFor(max.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd.subList(0, 2)) + " did not finish within " + max.toSeconds() + " s");
            }
            text = Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            if (p != null) {
                LIVE.remove(p);
            }
            Files.deleteIfExists(out);
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd.subList(0, 2)) + " failed (" + p.exitValue() + "): " + Http.abbreviate(text.strip()));
        }
        return text;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[24];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }
}
