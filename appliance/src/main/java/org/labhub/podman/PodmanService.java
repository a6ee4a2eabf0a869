package org.labhub.podman;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's Podman: either a service the admin runs (config {@code podman.socket}), or one labhub runs itself
 * on {@code <data>/run/podman/podman.sock} and stops on shutdown. Either way, it answers "is Podman usable?"
 * in a word for {@code /api/health}, and logs the full story whenever that answer changes.
 */
public final class PodmanService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PodmanService.class);
    /** Deadline of ordinary calls; Podman answers them in milliseconds unless it is stuck. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration HEALTH_PING = Duration.ofSeconds(2);
    /** A flood of anonymous health checks must not become a flood of pings to Podman. */
    private static final Duration HEALTH_REUSE = Duration.ofSeconds(1);

    private final PodmanClient client;
    private final Optional<PodmanProcess> own;
    private volatile String lastHealth = "";
    private volatile String lastPing = "";
    private volatile Instant lastPingAt = Instant.EPOCH;

    private PodmanService(PodmanClient client, Optional<PodmanProcess> own) {
        this.client = client;
        this.own = own;
    }

    /**
     * Uses {@code configuredSocket} if given, else starts {@code podman system service} on {@code ownSocket}.
     * Never fails for a missing or broken Podman: the hub must still start and say what is wrong.
     *
     * @param runtime OCI runtime for new containers whose spec names none (empty: Podman's default)
     */
    public static PodmanService start(Optional<Path> configuredSocket, Path ownSocket, String runtime) {
        if (configuredSocket.isPresent()) {
            log.atInfo().addKeyValue("socket", configuredSocket.get()).log("using the configured Podman service");
            return new PodmanService(new PodmanClient(configuredSocket.get(), CALL_TIMEOUT, runtime), Optional.empty());
        }
        return own(ownSocket, runtime, "podman");
    }

    /** Runs {@code program system service} on {@code socket}; the program is a parameter for tests of a missing one. */
    static PodmanService own(Path socket, String runtime, String program) {
        return new PodmanService(new PodmanClient(socket, CALL_TIMEOUT, runtime), Optional.of(PodmanProcess.start(socket, program)));
    }

    /** The process id of the service labhub runs, while it runs; empty for a configured socket. */
    Optional<Long> ownPid() {
        return own.flatMap(PodmanProcess::pid);
    }

    public PodmanClient client() {
        return client;
    }

    /**
     * Waits, at most {@code max}, until Podman answers a ping; logs its version if it does and the reason if it
     * does not. Returns at once when waiting cannot help: Podman is not installed, or the configured socket does
     * not exist.
     */
    public boolean awaitReady(Duration max) {
        Instant deadline = Instant.now().plus(max);
        while (Instant.now().isBefore(deadline) && !hopeless()) {
            try {
                client.ping(Duration.ofSeconds(1));
                PodmanVersion v = client.version();
                log.atInfo().addKeyValue("version", v.version()).addKeyValue("runtime", v.ociRuntime())
                        .addKeyValue("socket", client.socket()).log("Podman is ready");
                return true;
            } catch (PodmanException notYet) {
                // keep polling until the deadline
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        log.warn("Podman is not usable yet ({}); notebook servers cannot start until it is", health());
        return false;
    }

    private boolean hopeless() {
        return own.map(PodmanProcess::gaveUp).orElseGet(() -> !Files.exists(client.socket()));
    }

    /**
     * "ok", or a few words on why not: {@code not installed}, {@code service exited (code N)}, {@code unreachable},
     * {@code not answering}. Short on purpose: the health endpoint is public, the details go to the log. A ping's
     * answer is reused for a second.
     */
    public String health() {
        String now;
        String detail = "";
        Optional<String> problem = own.flatMap(PodmanProcess::problem);
        if (problem.isPresent()) {
            now = problem.get();
        } else if (Instant.now().isBefore(lastPingAt.plus(HEALTH_REUSE))) {
            now = lastPing;
        } else {
            try {
                client.ping(HEALTH_PING);
                now = "ok";
            } catch (PodmanException e) {
                now = e.getCause() instanceof TimeoutException ? "not answering" : "unreachable";
                detail = e.getMessage();
            }
            lastPing = now;
            lastPingAt = Instant.now();
        }
        if (!now.equals(lastHealth)) {
            if (now.equals("ok")) {
                log.info("Podman health: ok");
            } else {
                log.warn("Podman health: {}{}", now, detail.isEmpty() ? "" : " (" + detail + ")");
            }
        }
        lastHealth = now;
        return now;
    }

    /** Closes the client and, if labhub started the service, stops it. Running containers keep running. */
    @Override
    public void close() {
        client.close();
        own.ifPresent(PodmanProcess::close);
    }
}
