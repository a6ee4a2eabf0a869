package org.labhub.smoke;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** The first user's notebook server: started through the API, a cell run through the hub's proxy, stopped. */
final class ServerSteps {
    /** A start pulls nothing (images are local) but a loaded machine may take a while. */
    private static final Duration START_LIMIT = Duration.ofMinutes(3);
    private static final Duration STOP_LIMIT = Duration.ofMinutes(2);
    private static final Duration KERNEL_LIMIT = Duration.ofSeconds(90);
    /** Small environments first: quicker kernels; any enabled one with Python will do. */
    private static final List<String> PREFERRED = List.of("minimal", "python");

    private ServerSteps() {}

    static Step start() {
        return new Step("start a server", ServerSteps::startServer);
    }

    static Step cell() {
        return new Step("run a cell over WebSocket", ServerSteps::runCell);
    }

    static Step stop() {
        return new Step("stop the server", ServerSteps::stopServer);
    }

    static void startServer(Context c) {
        String env = chooseEnvironment(c);
        var body = Json.object();
        if (!env.isEmpty()) {
            body.put("environment", env);
        }
        c.serverStarted = true; // from here on the cleanup stops it, whatever the answer
        c.user1Api.api("POST", "/api/users/" + c.user1 + "/server", body).expect("start " + c.user1 + "'s server", 201, 202);
        String[] last = {""};
        JsonNode server = c.deadline.await(c.user1 + "'s server to be ready", START_LIMIT, () -> {
            JsonNode s = defaultServer(c);
            last[0] = s.path("phase").asString("") + " " + s.path("stop_reason").asString("");
            if (s.path("ready").asBoolean(false)) {
                return s;
            }
            if (s.path("phase").asString("").equals("stopped")) {
                throw new StepFailure(c.user1 + "'s server stopped instead of starting: " + s.path("stop_reason").asString("(no reason given)"));
            }
            return null;
        }, () -> last[0].trim());
        c.serverPath = server.path("url").asString("/user/" + c.user1 + "/");
        c.environment = server.path("environment").asString(env);
    }

    /** "minimal" or "python" when enabled, else whichever the hub preselects (empty: let the hub choose). */
    private static String chooseEnvironment(Context c) {
        JsonNode list = c.user1Api.api("GET", "/api/environments").expect("list the environments", 200).json();
        List<String> names = new ArrayList<>();
        list.forEach(e -> names.add(e.path("name").asString("")));
        if (names.isEmpty()) {
            throw new StepFailure("the hub offers no environment to start a server from (build one: ./labhub kernels build)");
        }
        return PREFERRED.stream().filter(names::contains).findFirst().orElse("");
    }

    private static JsonNode defaultServer(Context c) {
        JsonNode user = c.user1Api.api("GET", "/api/users/" + c.user1).expect("read " + c.user1 + "'s servers", 200).json();
        return user.path("servers").path("");
    }

    static void runCell(Context c) {
        String kernels = c.serverPath + "api/kernels";
        String id = c.user1Api.api("POST", kernels, Json.object().put("name", "python3")).expect("start a python3 kernel", 201).field("id");
        try (KernelSocket k = KernelSocket.open(c.user1Api, c.serverPath, id)) {
            KernelSocket.Result r = k.execute("print(6*7)", c.deadline.cap(KERNEL_LIMIT));
            if (!"ok".equals(r.status())) {
                throw new StepFailure("print(6*7) ended with status " + r.status() + (r.error().isEmpty() ? "" : " (" + r.error() + ")"));
            }
            if (!r.stdout().trim().equals("42")) {
                throw new StepFailure("print(6*7) printed '" + r.stdout().trim() + "', not 42");
            }
        }
        c.user1Api.api("DELETE", kernels + "/" + id).expect("shut the kernel down", 204);
    }

    /** Stops the first user's server and waits until the hub says it is stopped; does nothing when none was started. */
    static void stopServer(Context c) {
        if (!c.serverStarted || c.serverStopped) {
            return;
        }
        Hub as = c.user1Api != null ? c.user1Api : c.admin;
        as.api("DELETE", "/api/users/" + c.user1 + "/server").expect("stop " + c.user1 + "'s server", 202, 204, 404);
        String[] last = {""};
        c.deadline.await(c.user1 + "'s server to stop", STOP_LIMIT, () -> {
            JsonNode user = as.api("GET", "/api/users/" + c.user1).expect("read " + c.user1 + "'s servers", 200).json();
            JsonNode s = user.path("servers").path("");
            last[0] = s.path("phase").asString("");
            return s.isMissingNode() || s.path("phase").asString("").equals("stopped") ? Boolean.TRUE : null;
        }, () -> last[0]);
        c.serverStopped = true;
    }
}
