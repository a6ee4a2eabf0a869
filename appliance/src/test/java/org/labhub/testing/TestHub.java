package org.labhub.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.labhub.config.ConfigLoader;
import org.labhub.config.LabhubConfig;
import org.labhub.server.Hub;

/**
 * A real hub for tests: real Jetty on port 0, real Derby in a temporary data root. Argon2 runs at a low
 * cost so that suites with many logins stay fast; the throttle and hashing code paths are the same.
 */
public final class TestHub implements AutoCloseable {
    private final Path dataRoot;
    private final Map<String, String> settings;
    private Hub hub;

    private TestHub(Path dataRoot, Map<String, String> settings) {
        this.dataRoot = dataRoot;
        this.settings = settings;
    }

    /** Starts a hub in a fresh temporary data root with test defaults, overridden by {@code overrides}. */
    public static TestHub start(Map<String, String> overrides) throws Exception {
        return startOn(Files.createTempDirectory("labhub-test"), overrides);
    }

    public static TestHub start() throws Exception {
        return start(Map.of());
    }

    /** Starts a hub on an existing data root (a restart, or a restored backup). */
    public static TestHub startOn(Path dataRoot, Map<String, String> overrides) throws Exception {
        Map<String, String> s = new HashMap<>();
        s.put("data.root", dataRoot.toString());
        s.put("http.port", "0");
        s.put("auth.argon2.memory_kib", "1024");
        s.put("auth.argon2.iterations", "1");
        s.put("auth.throttle.base_delay", "20ms");
        s.put("http.shutdown_grace", "5s");
        s.putAll(overrides);
        TestHub t = new TestHub(dataRoot, s);
        t.hub = Hub.start(config(s));
        return t;
    }

    public static LabhubConfig config(Map<String, String> settings) {
        return new ConfigLoader().load(Optional.empty(), Map.of(), settings);
    }

    /** Stops the hub and starts a new one on the same data root and settings (sessions, users must survive). */
    public void restart() throws Exception {
        hub.close();
        hub = Hub.start(config(settings));
    }

    public Hub hub() { return hub; }
    public Path dataRoot() { return dataRoot; }
    public String baseUrl() { return hub.baseUrl(); }

    public String adminPassword() throws IOException {
        return Files.readString(dataRoot.resolve("secrets/admin-password")).trim();
    }

    /** A browser-like client (cookies kept, redirects not followed) for this hub. */
    public HubClient client() {
        return new HubClient(baseUrl());
    }

    /** A logged-in admin client. */
    public HubClient admin() throws Exception {
        HubClient c = client();
        c.login("admin", adminPassword()).expectStatus(303);
        return c;
    }

    /** Creates a user through the API as admin and returns its client, logged in. */
    public HubClient user(String name, String password) throws Exception {
        admin().api("POST", "/api/users/" + name, "{\"password\":\"" + password + "\"}").expectStatus(201);
        HubClient c = client();
        c.login(name, password).expectStatus(303);
        return c;
    }

    /**
     * Stops the hub, then removes every container it made: a hub's own close leaves notebook servers running (the
     * next hub adopts them), which tests must not leave behind.
     */
    @Override
    public void close() throws Exception {
        if (hub != null) {
            hub.close();
        }
        removeContainers(dataRoot);
    }

    /** Removes the containers of the hub whose data root this is (by the hub id they carry). */
    public static void removeContainers(Path dataRoot) throws IOException, InterruptedException {
        Path id = dataRoot.resolve("secrets/hub-id");
        if (!Files.exists(id)) {
            return;
        }
        String label = "org.labhub.hub=" + Files.readString(id).trim();
        Process p = new ProcessBuilder("sh", "-c",
                "podman ps -aq --filter label=" + label + " | xargs -r podman rm -f -t 0 >/dev/null 2>&1; true")
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
    }
}
