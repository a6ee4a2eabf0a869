package org.labhub.spawner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.labhub.environments.EnvironmentStore;
import org.labhub.server.Hub;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/**
 * What the spawner tests share: the minimal kernel image as an environment, commands in containers, waiting.
 * The minimal image must exist (./labhub test builds it first); its absence fails the tests, never skips them.
 */
public final class Notebooks {
    public static final String MINIMAL = "localhost/labhub/kernel-minimal:latest";
    private static final Path TEST_KERNEL = Path.of("../kernels/test_kernel.py");

    private Notebooks() {}

    /**
     * Checks that the hub registered the minimal image as the environment "minimal" when it started (its kernel-image
     * scan does that); a hub without it cannot run these tests, which then fail saying how to build it.
     */
    public static void requireMinimal(TestHub t) {
        assertThat(new EnvironmentStore(t.hub().catalog().jdbi()).byName("minimal"))
                .as("environment \"minimal\" (build it: ./labhub kernels build minimal)").isPresent();
    }

    /**
     * Like {@link #requireMinimal}, and disables every other environment the scan found on this host (python, r …
     * where they are built), so that pages show the same choices on every machine.
     */
    public static void requireOnlyMinimal(TestHub t) {
        requireMinimal(t);
        EnvironmentStore store = new EnvironmentStore(t.hub().catalog().jdbi());
        store.list().stream().filter(e -> !e.name().equals("minimal"))
                .forEach(e -> store.setEnabled(e.name(), false, java.time.Instant.now()));
    }

    /** The minimal environment's display name, as its image labels give it. */
    public static String minimalDisplayName(TestHub t) {
        return new EnvironmentStore(t.hub().catalog().jdbi()).byName("minimal").orElseThrow().displayName();
    }

    /**
     * Starts a server through the API and waits until it is running. The API answers 201 when the server is ready
     * within 10 s and 202 when it is still starting (a loaded machine); both are fine here.
     */
    public static Server start(TestHub t, HubClient client, String user, String server, String body) throws InterruptedException {
        String path = "/api/users/" + user + (server.isEmpty() ? "/server" : "/servers/" + server);
        HubClient.Res r = client.api("POST", path, body);
        assertThat(r.status()).as("%s: %s", path, r.body()).isIn(201, 202);
        await(user + "'s server running", Duration.ofSeconds(90), () -> t.hub().spawner().server(new ServerKey(user, server))
                .map(s -> s.state() == Server.State.RUNNING || s.state() == Server.State.STOPPED).orElse(false));
        Server s = server(t.hub(), user, server);
        assertThat(s.state()).as("%s (%s)", path, s.stopReason()).isEqualTo(Server.State.RUNNING);
        return s;
    }

    public static Server server(Hub hub, String user, String name) {
        return hub.spawner().server(new ServerKey(user, name)).orElseThrow();
    }

    /** Runs a command inside a container as its user; returns exit code and output. */
    public static Exec exec(String container, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("podman", "exec", container));
        cmd.addAll(List.of(command));
        return run(cmd, null);
    }

    /** Runs test_kernel.py in the server's container: start a kernel through the notebook, execute code, compare. */
    public static Exec runKernel(Hub hub, Server s, String code, String expect) throws IOException, InterruptedException {
        List<String> cmd = List.of("podman", "exec", "-i", s.containerId().orElseThrow(), "python3", "-",
                "/run/labhub/notebook.sock", s.key().baseUrl(), hub.spawner().tokenOf(s), "python3", code, expect, "60");
        return run(cmd, TEST_KERNEL);
    }

    public record Exec(int exit, String output) {}

    public static Exec run(List<String> cmd, Path stdin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (stdin != null) {
            pb.redirectInput(stdin.toFile());
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
        return new Exec(p.exitValue(), out);
    }

    /** Polls until the condition holds; returns how long it took, or fails after {@code max}. */
    public static Duration await(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > max.toNanos()) {
                throw new AssertionError("timed out after " + max + " waiting for " + what);
            }
            Thread.sleep(20);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
