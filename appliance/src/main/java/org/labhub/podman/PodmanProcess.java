package org.labhub.podman;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code podman system service} that labhub runs as its child: output copied to labhub's log, restarted with
 * a growing pause if it dies, stopped with the hub, and killed by the kernel if the hub itself is killed.
 */
final class PodmanProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PodmanProcess.class);
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    private static final int KEPT_LINES = 5;
    private static final Duration MAX_PAUSE = Duration.ofSeconds(60);

    private final Path socket;
    private final String program;
    private final Thread supervisor;
    private final Deque<String> lastLines = new ArrayDeque<>();
    private volatile Process process;
    private volatile String problem = "";
    private volatile boolean stopping;

    private PodmanProcess(Path socket, String program) {
        this.socket = socket;
        this.program = program;
        this.supervisor = new Thread(this::supervise, "podman-service");
        this.supervisor.setDaemon(true);
    }

    /**
     * Starts the service in the background; {@link #problem()} says why it does not run, if it does not.
     *
     * @param program {@code podman}, looked up on the PATH
     */
    static PodmanProcess start(Path socket, String program) {
        PodmanProcess p = new PodmanProcess(socket, program);
        p.supervisor.start();
        return p;
    }

    /** The service's process id, while it runs. */
    Optional<Long> pid() {
        Process p = process;
        return p != null && p.isAlive() ? Optional.of(p.pid()) : Optional.empty();
    }

    /** Empty while the service runs (or is being started); otherwise why it does not. */
    Optional<String> problem() {
        return problem.isEmpty() ? Optional.empty() : Optional.of(problem);
    }

    /** True once the service cannot come back without the admin's help (Podman not installed, cannot run). */
    boolean gaveUp() {
        return !supervisor.isAlive() && !stopping;
    }

    private void supervise() {
        Optional<Path> podman = onPath(program);
        if (podman.isEmpty()) {
            problem = "not installed";
            log.error("Podman is not installed (no `{}` on PATH {}): install it with provisioning/host-setup.sh, "
                    + "or set podman.socket to a running Podman service. Notebook servers cannot start until then.",
                    program, System.getenv("PATH"));
            return;
        }
        Duration pause = Duration.ofSeconds(1);
        while (!stopping) {
            Instant started = Instant.now();
            Process p;
            try {
                Files.createDirectories(socket.getParent());
                // Whoever can connect to this socket is root on the host.
                Files.setPosixFilePermissions(socket.getParent(), PosixFilePermissions.fromString("rwx------"));
                // The data-root lock says no other hub uses this folder, so a socket here is a dead service's.
                Files.deleteIfExists(socket);
                // Started from this thread, which lives exactly as long as the child: the parent-death signal
                // then fires only when the hub's JVM dies, so a `kill -9` of the hub leaves no orphaned service.
                p = new ProcessBuilder(command(podman.get()))
                        .directory(socket.getParent().toFile())
                        .redirectErrorStream(true)
                        .start();
            } catch (IOException e) {
                problem = "cannot start";
                log.error("cannot start `podman system service` on {}: {}", socket, e.getMessage());
                return;
            }
            process = p;
            if (stopping) {
                p.destroy();
                waitFor(p);
                break;
            }
            problem = "";
            synchronized (lastLines) {
                lastLines.clear();
            }
            log.atInfo().addKeyValue("pid", p.pid()).addKeyValue("socket", socket).log("started podman system service");
            copyOutput(p);
            int code = waitFor(p);
            if (stopping) {
                break;
            }
            if (Duration.between(started, Instant.now()).compareTo(MAX_PAUSE) > 0) {
                pause = Duration.ofSeconds(1);
            }
            problem = "service exited (code " + code + ")";
            log.error("podman system service exited with code {}{}; restarting it in {} s", code, lastLinesSuffix(), pause.toSeconds());
            try {
                Thread.sleep(pause.toMillis());
            } catch (InterruptedException e) {
                break;
            }
            pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
        }
    }

    private List<String> command(Path podman) {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(SETPRIV)) {
            cmd.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "TERM", "--"));
        }
        cmd.addAll(List.of(podman.toString(), "system", "service", "--time=0", "unix://" + socket));
        return cmd;
    }

    /** Podman logs warnings and errors only (its default level); each becomes a warning in labhub's log. */
    private void copyOutput(Process p) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                log.warn("podman: {}", line);
                synchronized (lastLines) {
                    if (lastLines.size() == KEPT_LINES) {
                        lastLines.removeFirst();
                    }
                    lastLines.addLast(line);
                }
            }
        } catch (IOException e) {
            // the pipe closes when the process ends; waitFor reports how it ended
        }
    }

    private String lastLinesSuffix() {
        synchronized (lastLines) {
            return lastLines.isEmpty() ? "" : " (last output: " + String.join(" | ", lastLines) + ")";
        }
    }

    private static int waitFor(Process p) {
        while (true) {
            try {
                return p.waitFor();
            } catch (InterruptedException e) {
                // only close() interrupts, after destroying the process; keep waiting so this thread outlives it
            }
        }
    }

    static Optional<Path> onPath(String program) {
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, program);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    /** Asks the service to stop (SIGTERM), then kills it if it has not stopped within ten seconds. */
    @Override
    public void close() {
        stopping = true;
        Process p = process;
        if (p != null) {
            p.destroy();
            try {
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    log.warn("podman system service did not stop within 10 s; killing it");
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        supervisor.interrupt();
        try {
            supervisor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // a socket file without a service behind it is harmless and replaced at the next start
        }
    }
}
