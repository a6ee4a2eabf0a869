package org.labhub.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.environments.EnvironmentStore;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/**
 * Every route, called by every kind of caller: anonymous, alice (herself), bob (on alice's things), admin,
 * tokens with too few scopes, a disabled user's token and an expired token. The expected access is written
 * here by hand, independently of the route tables, and must cover exactly the routes the hub serves.
 */
class AccessMatrixTest {
    /** Who may call each route, as the product promises it. self = the user named in the path, or an admin. */
    private static final Map<String, String> PROMISE = new LinkedHashMap<>();

    static {
        PROMISE.put("GET /", "user:read");
        PROMISE.put("GET /login", "anyone");
        PROMISE.put("POST /login", "anyone");
        PROMISE.put("POST /logout", "anyone");
        PROMISE.put("GET /signup", "anyone");
        PROMISE.put("POST /signup", "anyone");
        PROMISE.put("GET /account", "user:read");
        PROMISE.put("POST /account/password", "user:tokens");
        PROMISE.put("POST /account/tokens", "user:tokens");
        PROMISE.put("POST /account/tokens/{id}/revoke", "user:tokens");
        PROMISE.put("GET /admin", "admin:read");
        PROMISE.put("GET /admin/users", "admin:read");
        PROMISE.put("POST /admin/users", "admin:admin");
        PROMISE.put("GET /admin/users/{name}", "admin:read");
        PROMISE.put("POST /admin/users/{name}/password", "admin:admin");
        PROMISE.put("POST /admin/users/{name}/admin", "admin:admin");
        PROMISE.put("POST /admin/users/{name}/state", "admin:admin");
        PROMISE.put("POST /admin/users/{name}/delete", "admin:admin");
        PROMISE.put("GET /admin/groups", "admin:read");
        PROMISE.put("POST /admin/groups", "admin:admin");
        PROMISE.put("GET /admin/groups/{name}", "admin:read");
        PROMISE.put("POST /admin/groups/{name}/members", "admin:admin");
        PROMISE.put("POST /admin/groups/{name}/delete", "admin:admin");
        PROMISE.put("GET /admin/environments", "admin:read");
        PROMISE.put("POST /admin/environments", "admin:admin");
        PROMISE.put("POST /admin/environments/scan", "admin:admin");
        PROMISE.put("POST /admin/environments/{env}", "admin:admin");
        PROMISE.put("POST /admin/environments/{env}/delete", "admin:admin");
        PROMISE.put("GET /admin/profiles", "admin:read");
        PROMISE.put("POST /admin/profiles", "admin:admin");
        PROMISE.put("POST /admin/profiles/{profile}", "admin:admin");
        PROMISE.put("POST /admin/profiles/{profile}/delete", "admin:admin");
        PROMISE.put("GET /admin/datasets", "admin:read");
        PROMISE.put("POST /admin/datasets", "admin:admin");
        PROMISE.put("POST /admin/datasets/{dataset}", "admin:admin");
        PROMISE.put("POST /admin/datasets/{dataset}/delete", "admin:admin");
        PROMISE.put("GET /admin/workshop", "admin:read");
        PROMISE.put("POST /admin/workshop", "admin:admin");
        PROMISE.put("POST /api/workshop", "admin:admin");
        PROMISE.put("GET /admin/audit", "admin:read");
        PROMISE.put("GET /api/audit", "admin:read");
        PROMISE.put("GET /api/user", "user:read");
        PROMISE.put("GET /api/users", "admin:read");
        PROMISE.put("POST /api/users", "admin:admin");
        PROMISE.put("GET /api/users/{name}", "self:read");
        PROMISE.put("POST /api/users/{name}", "admin:admin");
        PROMISE.put("PATCH /api/users/{name}", "admin:admin");
        PROMISE.put("DELETE /api/users/{name}", "admin:admin");
        PROMISE.put("POST /api/users/{name}/tokens", "self:tokens");
        PROMISE.put("GET /api/users/{name}/tokens", "self:read");
        PROMISE.put("GET /api/users/{name}/tokens/{id}", "self:read");
        PROMISE.put("DELETE /api/users/{name}/tokens/{id}", "self:tokens");
        PROMISE.put("POST /api/users/{name}/server", "self:servers");
        PROMISE.put("DELETE /api/users/{name}/server", "self:servers");
        PROMISE.put("POST /api/users/{name}/server/restart", "self:servers");
        PROMISE.put("GET /api/users/{name}/server/progress", "self:read");
        PROMISE.put("POST /api/users/{name}/servers/{server}", "self:servers");
        PROMISE.put("DELETE /api/users/{name}/servers/{server}", "self:servers");
        PROMISE.put("POST /api/users/{name}/servers/{server}/restart", "self:servers");
        PROMISE.put("GET /api/users/{name}/servers/{server}/progress", "self:read");
        PROMISE.put("GET /api/servers", "admin:read");
        PROMISE.put("GET /api/groups", "user:read");
        PROMISE.put("POST /api/groups", "admin:admin");
        PROMISE.put("GET /api/groups/{name}", "user:read");
        PROMISE.put("POST /api/groups/{name}", "admin:admin");
        PROMISE.put("DELETE /api/groups/{name}", "admin:admin");
        PROMISE.put("POST /api/groups/{name}/users", "admin:admin");
        PROMISE.put("DELETE /api/groups/{name}/users", "admin:admin");
        PROMISE.put("GET /api/environments", "user:read");
        PROMISE.put("POST /api/environments", "admin:admin");
        PROMISE.put("POST /api/environments/scan", "admin:admin");
        PROMISE.put("GET /api/environments/{env}", "user:read");
        PROMISE.put("PATCH /api/environments/{env}", "admin:admin");
        PROMISE.put("DELETE /api/environments/{env}", "admin:admin");
        PROMISE.put("GET /api/profiles", "user:read");
        PROMISE.put("POST /api/profiles", "admin:admin");
        PROMISE.put("PATCH /api/profiles/{profile}", "admin:admin");
        PROMISE.put("DELETE /api/profiles/{profile}", "admin:admin");
        PROMISE.put("GET /api/datasets", "user:read");
        PROMISE.put("POST /api/datasets", "admin:admin");
        PROMISE.put("GET /api/datasets/{dataset}", "user:read");
        PROMISE.put("PATCH /api/datasets/{dataset}", "admin:admin");
        PROMISE.put("DELETE /api/datasets/{dataset}", "admin:admin");
        PROMISE.put("POST /servers/start", "user:servers");
        PROMISE.put("POST /servers/stop", "user:servers");
        PROMISE.put("POST /servers/restart", "user:servers");
        PROMISE.put("POST /servers/delete", "user:servers");
        PROMISE.put("GET /admin/servers", "admin:read");
        PROMISE.put("POST /admin/servers/{name}/stop", "admin:admin");
        PROMISE.put("POST /admin/servers/{name}/restart", "admin:admin");
        PROMISE.put("GET /api/shares", "user:read");
        PROMISE.put("GET /api/shares/incoming", "user:read");
        PROMISE.put("POST /api/shares", "user:files");
        PROMISE.put("PATCH /api/shares/{id}", "user:files");
        PROMISE.put("DELETE /api/shares/{id}", "user:files");
        PROMISE.put("GET /files", "user:files");
        PROMISE.put("GET /files/{user}/{path*}", "user:files");
        PROMISE.put("GET /trash", "user:files");
        PROMISE.put("GET /api/files/{user}/{path*}", "user:files");
        PROMISE.put("PUT /api/files/{user}/{path*}", "user:files");
        PROMISE.put("POST /api/files/{user}/{path*}", "user:files");
        PROMISE.put("DELETE /api/files/{user}/{path*}", "user:files");
        PROMISE.put("GET /api/trash", "user:files");
        PROMISE.put("POST /api/trash/{id}/restore", "user:files");
        PROMISE.put("DELETE /api/trash/{id}", "user:files");
        PROMISE.put("DELETE /api/trash", "user:files");
        PROMISE.put("GET /api/users/{name}/usage", "self:read");
        PROMISE.put("PUT /api/users/{name}/quota", "admin:admin");
        PROMISE.put("DELETE /api/users/{name}/quota", "admin:admin");
        PROMISE.put("GET /api/admin/usage", "admin:read");
        PROMISE.put("GET /admin/storage", "admin:read");
        PROMISE.put("POST /admin/storage/{name}/quota", "admin:admin");
        PROMISE.put("POST /api/uploads", "user:files");
        PROMISE.put("GET /api/uploads/{id}", "user:files");
        PROMISE.put("PUT /api/uploads/{id}", "user:files");
        PROMISE.put("POST /api/uploads/{id}/commit", "user:files");
        PROMISE.put("DELETE /api/uploads/{id}", "user:files");
        PROMISE.put("GET /api/search", "user:files");
        PROMISE.put("GET /search", "user:files");
        PROMISE.put("POST /api/jobs", "user:servers");
        PROMISE.put("GET /api/jobs", "user:read");
        PROMISE.put("GET /api/jobs/{id}", "user:read");
        PROMISE.put("POST /api/jobs/{id}/cancel", "user:servers");
        PROMISE.put("POST /api/jobs/{id}/rerun", "user:servers");
        PROMISE.put("DELETE /api/jobs/{id}", "user:servers");
        PROMISE.put("GET /api/jobs/{id}/log", "user:read");
        PROMISE.put("GET /api/archives", "user:read");
        PROMISE.put("POST /api/archives", "user:files");
        PROMISE.put("GET /api/preserves/{task}", "user:read");
        PROMISE.put("POST /api/archives/import", "user:files");
        PROMISE.put("POST /api/archives/scrub", "admin:admin");
        // Archive reads check visibility in the handler (owner, admin, or public): others get a 404, anonymous included.
        PROMISE.put("GET /api/archives/{archive}", "anyone");
        PROMISE.put("PATCH /api/archives/{archive}", "user:files");
        PROMISE.put("GET /api/archives/{archive}/files/{path*}", "anyone");
        PROMISE.put("GET /api/archives/{archive}/export", "anyone");
        PROMISE.put("POST /api/archives/{archive}/rerun", "user:servers");
        PROMISE.put("GET /api/archives/{archive}/runs/{run}", "anyone");
        PROMISE.put("GET /archives", "user:read");
        PROMISE.put("GET /archives/{archive}", "anyone");
        PROMISE.put("GET /archives/{archive}/runs/{run}", "anyone");
        // Sharing an archive: the owner or an admin (others who see it: 403, who do not: 404, past the access check).
        PROMISE.put("GET /api/archives/{archive}/grants", "user:read");
        PROMISE.put("POST /api/archives/{archive}/grants", "user:files");
        PROMISE.put("DELETE /api/archives/{archive}/grants/{id}", "user:files");
        PROMISE.put("GET /api/archives/{archive}/links", "user:read");
        PROMISE.put("POST /api/archives/{archive}/links", "user:files");
        PROMISE.put("DELETE /api/archives/{archive}/links/{id}", "user:files");
        PROMISE.put("POST /archives/{archive}/grants", "user:files");
        PROMISE.put("POST /archives/{archive}/grants/{id}/delete", "user:files");
        PROMISE.put("POST /archives/{archive}/links", "user:files");
        PROMISE.put("POST /archives/{archive}/links/{id}/delete", "user:files");
        PROMISE.put("POST /archives/{archive}/public", "user:files");
        // Deleting one: the owner or an admin, like sharing.
        PROMISE.put("DELETE /api/archives/{archive}", "user:files");
        PROMISE.put("POST /archives/{archive}/delete", "user:files");
        // Preserving from the browser: the form, and the page of one preservation (only its starter or an admin: 404 otherwise).
        PROMISE.put("GET /archives/new", "user:read");
        PROMISE.put("POST /archives/new", "user:files");
        PROMISE.put("GET /archives/tasks/{task}", "user:read");
        // An archive's public link: no account (an unknown token is a 404 past the access check).
        PROMISE.put("GET /a/{token}", "anyone");
        PROMISE.put("POST /a/{token}", "anyone");
        PROMISE.put("GET /a/{token}/files/{path*}", "anyone");
        PROMISE.put("GET /a/{token}/export", "anyone");
        PROMISE.put("GET /jobs", "user:read");
        PROMISE.put("POST /jobs", "user:servers");
        PROMISE.put("GET /jobs/{id}", "user:read");
        PROMISE.put("POST /jobs/{id}/cancel", "user:servers");
        PROMISE.put("POST /jobs/{id}/rerun", "user:servers");
        PROMISE.put("POST /jobs/{id}/delete", "user:servers");
        PROMISE.put("GET /api/health", "anyone");
        PROMISE.put("GET /metrics", "admin:read");
        PROMISE.put("GET /api/openapi.json", "anyone");
        for (String m : List.of("OPTIONS", "GET", "PUT", "DELETE", "MKCOL", "COPY", "MOVE", "PROPFIND", "PROPPATCH", "LOCK", "UNLOCK")) {
            PROMISE.put(m + " /dav/{user}/{path*}", "user:files");
            // A public link's WebDAV: no account at all, and no cookie is read, so anonymous writes need no CSRF token.
            PROMISE.put(m + " /s/{token}/dav/{path*}", "link");
        }
        PROMISE.put("POST /s/{token}", "anyone");
        PROMISE.put("GET /s/{token}/{path*}", "anyone");
        PROMISE.put("PUT /s/{token}/{path*}", "anyone");
        PROMISE.put("POST /s/{token}/{path*}", "anyone");
        PROMISE.put("DELETE /s/{token}/{path*}", "anyone");
    }

    /** The callers. Each is a user (or nobody) holding a token with some scopes, or a browser session. */
    enum Caller {
        ANONYMOUS(null, false, Set.of()),
        ALICE("alice", false, Set.of("read", "servers", "files", "tokens")),
        ALICE_READ_ONLY("alice", false, Set.of("read")),
        BOB("bob", false, Set.of("read", "servers", "files", "tokens")),
        ADMIN("admin", true, Set.of("read", "servers", "files", "tokens", "admin")),
        ADMIN_READ_ONLY("admin", true, Set.of("read")),
        ALICE_SESSION("alice", false, Set.of("read", "servers", "files", "tokens", "admin")),
        ADMIN_SESSION("admin", true, Set.of("read", "servers", "files", "tokens", "admin")),
        DISABLED_USER(null, false, Set.of()),
        EXPIRED_TOKEN(null, false, Set.of());

        final String user;
        final boolean admin;
        final Set<String> scopes;

        Caller(String user, boolean admin, Set<String> scopes) {
            this.user = user;
            this.admin = admin;
            this.scopes = scopes;
        }

        boolean isSession() {
            return this == ALICE_SESSION || this == ADMIN_SESSION;
        }

        boolean isBadToken() {
            return this == DISABLED_USER || this == EXPIRED_TOKEN;
        }
    }

    static TestHub hub;
    static final Map<Caller, HubClient> clients = new LinkedHashMap<>();
    static final Map<Caller, String> tokens = new LinkedHashMap<>();
    /** Public links of alice's: read-write without a password (the matrix), and one with a password (the Basic test). */
    static String openLink;
    static String lockedLink;

    @BeforeAll
    static void start() throws Exception {
        hub = TestHub.start();
        // Starts that get past the access check must be refused before any container exists (409, no environment),
        // so that calling every start route as every caller leaves nothing running: the kernel images the hub
        // registered at start are disabled here.
        EnvironmentStore environments = new EnvironmentStore(hub.hub().catalog().jdbi());
        environments.list().forEach(e -> environments.setEnabled(e.name(), false, java.time.Instant.now()));
        assertThat(environments.list()).as("enabled environments of the matrix hub").noneMatch(e -> e.enabled());
        HubClient admin = hub.admin();
        for (String u : List.of("alice", "bob", "carol", "loginmatrix")) {
            admin.api("POST", "/api/users/" + u, "{\"password\":\"" + u + "-password-1\"}").expectStatus(201);
        }
        clients.put(Caller.ANONYMOUS, hub.client());
        for (Caller c : Caller.values()) {
            if (c.user != null && !c.isSession()) {
                String scopes = c.scopes.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(","));
                String token = admin.api("POST", "/api/users/" + c.user + "/tokens", "{\"scopes\":[" + scopes + "]}")
                        .expectStatus(201).json("token");
                clients.put(c, hub.client().withToken(token));
                tokens.put(c, token);
            }
        }
        HubClient aliceSession = hub.client();
        aliceSession.login("alice", "alice-password-1").expectStatus(303);
        clients.put(Caller.ALICE_SESSION, aliceSession);
        clients.put(Caller.ADMIN_SESSION, admin);

        String carolToken = admin.api("POST", "/api/users/carol/tokens", "{\"scopes\":[\"read\",\"tokens\"]}").expectStatus(201).json("token");
        admin.api("PATCH", "/api/users/carol", "{\"disabled\":true}").expectStatus(200);
        clients.put(Caller.DISABLED_USER, hub.client().withToken(carolToken));

        String shortLived = admin.api("POST", "/api/users/alice/tokens", "{\"scopes\":[\"read\"],\"expires_in\":1}").expectStatus(201).json("token");
        HubClient expired = hub.client().withToken(shortLived);
        Instant deadline = Instant.now().plusSeconds(10);
        while (expired.api("GET", "/api/user").status() != 401) {
            assertThat(Instant.now()).as("token should expire within its second").isBefore(deadline);
            Thread.sleep(100);
        }
        clients.put(Caller.EXPIRED_TOKEN, expired);

        java.nio.file.Files.createDirectories(hub.dataRoot().resolve("homes/alice/matrix-link"));
        openLink = clients.get(Caller.ALICE).api("POST", "/api/shares", "{\"path\":\"matrix-link\",\"kind\":\"link\",\"permissions\":\"write\"}")
                .expectStatus(201).json("url").substring("/s/".length());
        lockedLink = clients.get(Caller.ALICE).api("POST", "/api/shares",
                "{\"path\":\"matrix-link\",\"kind\":\"link\",\"permissions\":\"write\",\"password\":\"matrix-link-password\"}")
                .expectStatus(201).json("url").substring("/s/".length());
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
    }

    @Test
    void thePromiseCoversExactlyTheRoutesTheHubServes() {
        Set<String> served = new TreeSet<>();
        for (Route r : hub.hub().routes()) {
            served.add(r.method() + " " + r.template());
        }
        assertThat(served).as("every route needs a line in PROMISE, and every line a route")
                .isEqualTo(new TreeSet<>(PROMISE.keySet()));
    }

    @Test
    void everyCallerGetsExactlyTheAccessPromisedOnEveryRoute() {
        List<String> wrong = new ArrayList<>();
        for (var entry : PROMISE.entrySet()) {
            String method = entry.getKey().split(" ")[0];
            String template = entry.getKey().split(" ")[1];
            for (Caller caller : Caller.values()) {
                if (caller.isSession() && !method.equals("GET")) {
                    continue; // cookie-borne writes need the CSRF token: CsrfTest covers them
                }
                Outcome expected = expected(entry.getValue(), caller, method);
                HubClient.Res res = call(caller, method, template);
                Outcome actual = classify(res, caller);
                if (actual != expected) {
                    wrong.add(String.format("%-40s %-16s expected %-7s got %s %d %s", entry.getKey(), caller, expected, actual,
                            res.status(), res.body().length() > 160 ? res.body().substring(0, 160) : res.body()));
                }
            }
        }
        assertThat(wrong).as("routes whose access differs from the promise").isEmpty();
        assertThat(hub.hub().spawner().all()).as("servers left behind by the calls").isEmpty();
    }

    @Test
    void aStartThatGetsPastTheAccessCheckIsRefusedBecauseThisHubHasNoEnvironment() {
        HubClient.Res r = clients.get(Caller.ALICE).api("POST", "/api/users/alice/server", "{}").expectStatus(409);
        assertThat(r.json("message")).startsWith("no environment is enabled yet");
        HubClient.Res page = clients.get(Caller.ALICE).form("/servers/start", Map.of("server", "", "environment", "", "profile", ""));
        assertThat(page.status()).isEqualTo(303);
        assertThat(page.location()).isEqualTo("/");
    }

    /**
     * HTTP Basic is accepted only where a route says so: a user name with an app password (an API token) on the
     * WebDAV routes, never the login password there, and no Basic at all on routes that take none.
     */
    @Test
    void basicCredentialsWorkExactlyOnTheRoutesThatTakeThem() {
        List<String> wrong = new ArrayList<>();
        String appPassword = basic("alice", tokens.get(Caller.ALICE));
        String loginPassword = basic("alice", "alice-password-1");
        for (Route r : hub.hub().routes()) {
            boolean dav = r.basic() == Route.Basic.APP_PASSWORD;
            if (!dav && !r.method().equals("GET")) {
                continue; // a wrongly accepted Basic write would change things later calls rely on
            }
            String path = r.template().replace("{user}", "alice").replace("{path*}", "matrix-nothing/here").replace("{token}", lockedLink)
                    .replace("{name}", "alice").replace("{id}", "999999").replace("{server}", "nosuchserver")
                    .replace("{env}", "nosuchenv").replace("{profile}", "nosuchprofile")
                    .replace("{dataset}", "nosuchdataset").replace("{archive}", "nosucharchive").replace("{task}", "nosuchtask")
                    .replace("{run}", "1");
            int withToken = refusedAs401(basicCall(r.method(), path, appPassword));
            int withPassword = refusedAs401(basicCall(r.method(), path, loginPassword));
            if (dav && (withToken == 401 || withToken == 403)) {
                wrong.add(r.method() + " " + r.template() + ": app password refused with " + withToken);
            }
            if (withPassword != 401 && (dav || r.basic() == Route.Basic.NONE)) {
                wrong.add(r.method() + " " + r.template() + ": login password as Basic got " + withPassword);
            }
            if (!dav && withToken != 401) {
                wrong.add(r.method() + " " + r.template() + ": app password as Basic got " + withToken);
            }
        }
        assertThat(wrong).as("routes where Basic is accepted or refused against their declaration").isEmpty();
    }

    /** A page's 401 reaches browsers as a redirect to the login page. */
    private static int refusedAs401(HubClient.Res res) {
        return res.status() == 303 && res.location().startsWith("/login?next=") ? 401 : res.status();
    }

    private static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static HubClient.Res basicCall(String method, String path, String authorization) {
        HubClient c = hub.client();
        return c.send(HttpRequest.newBuilder(java.net.URI.create(c.base() + path)).method(method, HttpRequest.BodyPublishers.noBody()),
                Map.of("Authorization", authorization, "Destination", "/dav/alice/matrix-nothing/there", "Depth", "0"));
    }

    enum Outcome { ALLOWED, DENIED, CSRF }

    private static Outcome expected(String promise, Caller caller, String method) {
        if (caller.isBadToken()) {
            return Outcome.DENIED; // a bad token is refused everywhere, never treated as anonymous
        }
        if (promise.equals("link")) {
            return Outcome.ALLOWED;
        }
        if (promise.equals("anyone")) {
            return caller == Caller.ANONYMOUS && !method.equals("GET") ? Outcome.CSRF : Outcome.ALLOWED;
        }
        if (caller == Caller.ANONYMOUS) {
            return Outcome.DENIED;
        }
        String[] p = promise.split(":");
        if (!caller.scopes.contains(p[1])) {
            return Outcome.DENIED;
        }
        switch (p[0]) {
            case "user": return Outcome.ALLOWED;
            case "admin": return caller.admin ? Outcome.ALLOWED : Outcome.DENIED;
            case "self":
                if ("alice".equals(caller.user)) {
                    return Outcome.ALLOWED;
                }
                return caller.admin && (p[1].equals("read") || caller.scopes.contains("admin")) ? Outcome.ALLOWED : Outcome.DENIED;
            default: throw new IllegalArgumentException(promise);
        }
    }

    /** Denial is 401/403 from the access check, or a redirect to the login page; anything else got past it. */
    private static Outcome classify(HubClient.Res res, Caller caller) {
        if (res.body().contains("cross-site request refused")) {
            return Outcome.CSRF;
        }
        if (res.status() == 303 && res.location().startsWith("/login?next=")) {
            return Outcome.DENIED;
        }
        return res.status() == 401 || res.status() == 403 ? Outcome.DENIED : Outcome.ALLOWED;
    }

    /**
     * Calls a route with arguments chosen so that a caller who gets past the access check changes nothing
     * that later calls depend on: unknown groups, environments, profiles and token ids, incomplete forms and bodies
     * (a kernel scan by an admin registers what the start-up scan already registered).
     */
    private static HubClient.Res call(Caller caller, String method, String template) {
        HubClient c = clients.get(caller);
        if (template.startsWith("/dav/")) {
            // A folder that does not exist: writes that get past the access check fail with 404/409, changing nothing.
            return c.send(HttpRequest.newBuilder(java.net.URI.create(c.base() + "/dav/alice/matrix-nothing/here"))
                    .method(method, HttpRequest.BodyPublishers.noBody()), Map.of("Destination", "/dav/alice/matrix-nothing/there", "Depth", "0"));
        }
        if (template.startsWith("/s/{token}/dav/")) {
            // alice's read-write link, on a folder that does not exist in it: writes fail with 404/409, changing nothing.
            return c.send(HttpRequest.newBuilder(java.net.URI.create(c.base() + "/s/" + openLink + "/dav/matrix-nothing/here"))
                    .method(method, HttpRequest.BodyPublishers.noBody()), Map.of("Destination", "/s/" + openLink + "/dav/matrix-nothing/there", "Depth", "0"));
        }
        String path = template.replace("/users/{name}", "/users/alice").replace("{token}/{path*}", openLink + "/matrix-nothing/here")
                .replace("{token}", openLink).replace("/groups/{name}", "/groups/nosuchgroup")
                .replace("/admin/servers/{name}", "/admin/servers/alice").replace("/admin/storage/{name}", "/admin/storage/alice").replace("{id}", "999999").replace("{server}", "nosuchserver")
                .replace("{env}", "nosuchenv").replace("{profile}", "nosuchprofile").replace("{dataset}", "nosuchdataset")
                // Each caller's own files: a file that is not there (bob and admin reach only their own homes).
                .replace("{user}/{path*}", (caller.user == null ? "alice" : caller.user) + "/nosuchfile")
                .replace("{archive}", "nosucharchive").replace("{task}", "nosuchtask").replace("{run}", "1").replace("{path*}", "data/x");
        if (template.startsWith("/api/")) {
            String body = method.equals("GET") || method.equals("DELETE") ? null : "{}";
            if (template.startsWith("/api/users/{name}/server") && method.equals("POST")) {
                body = "{\"environment\":\"nosuchenvironment\"}"; // refused after the access check: nothing starts
            }
            if (template.equals("/api/users/{name}/tokens") && method.equals("POST")) {
                body = "{\"scopes\":[\"read\"],\"expires_in\":60}";
            }
            if (caller.isSession()) {
                c.get("/account");
            }
            return c.api(method, path, body);
        }
        if (method.equals("GET")) {
            return c.get(path);
        }
        Map<String, String> form = new LinkedHashMap<>();
        if (template.equals("/login")) {
            form.put("username", "loginmatrix");
            form.put("password", "loginmatrix-password-1");
        }
        if (template.equals("/account/password")) {
            form.put("current_password", "x");
            form.put("new_password", "different-1");
            form.put("confirm", "different-2");
        }
        if (template.endsWith("/admin")) {
            form.put("action", "revoke");
        }
        String body = form.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
        return c.send(HttpRequest.newBuilder(java.net.URI.create(c.base() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)),
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
    }
}
