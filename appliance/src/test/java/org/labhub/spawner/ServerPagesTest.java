package org.labhub.spawner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.labhub.spawner.Notebooks.await;
import static org.labhub.spawner.Notebooks.server;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.labhub.testing.HubClient;
import org.labhub.testing.TestHub;

/**
 * The dashboard's forms without a script, and the admins' servers page, against real notebook servers: what a
 * browser without JavaScript gets, that the forms act only on the caller's own servers, and what admins see.
 */
class ServerPagesTest {
    private static final Duration READY = Duration.ofSeconds(30);
    private static final Map<String, String> MINIMAL_SMALL = Map.of("server", "", "environment", "minimal", "profile", "small");

    private static TestHub t;
    private static HubClient admin;

    @BeforeAll
    static void start() throws Exception {
        t = TestHub.start(Map.of("spawner.max_named_servers", "1"));
        Notebooks.requireMinimal(t);
        admin = t.admin();
    }

    /** Each test has users of its own, so that no test sees another's servers. */
    private static HubClient user(String name) throws Exception {
        return t.user(name, name + "-password-1");
    }

    @AfterAll
    static void stop() throws Exception {
        t.close();
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (Server s : t.hub().spawner().all()) {
            if (s.state().active()) {
                t.hub().spawner().stop(Spawner.Actor.HUB, s.key(), "").done().join();
            }
        }
    }

    @Test
    void theStartFormStartsTheServerAndTheDashboardRefreshesItselfUntilItRuns() throws Exception {
        HubClient ann = user("ann");
        String empty = ann.get("/").expectStatus(200).body();
        assertThat(empty).contains("You have no notebook server yet.").contains("action=\"/servers/start\"")
                .contains("<option value=\"minimal\" selected>Minimal</option>")
                .contains("<option value=\"small\" selected>Small: 1 CPU, 2 GB</option>")
                .contains("<label for=\"server\">Server name <span class=\"muted\">(optional)</span></label>")
                .doesNotContain("http-equiv=\"refresh\"");

        ann.form("/servers/start", MINIMAL_SMALL).expectStatus(303);
        String during = ann.get("/").expectStatus(200).body();
        assertThat(during).contains("Your server is starting; this page shows when it is ready.");
        if (during.contains("state phase-starting")) {
            assertThat(during).contains("<meta http-equiv=\"refresh\" content=\"2\">").contains("<progress max=\"100\" value=");
        }
        await("ann's server to run", READY, () -> server(t.hub(), "ann", "").state() == Server.State.RUNNING);
        String running = ann.get("/").expectStatus(200).body();
        assertThat(running).contains("state phase-running\">running</span>").contains("<a class=\"button primary\" href=\"/user/ann/\">Open</a>")
                .doesNotContain("http-equiv=\"refresh\"")
                .contains("Your default server is running: name another one to start it next to it");

        ann.form("/servers/stop", Map.of("server", "")).expectStatus(303);
        await("ann's server to stop", READY, () -> server(t.hub(), "ann", "").state() == Server.State.STOPPED);
        String stopped = ann.get("/").body();
        assertThat(stopped).contains("role=\"status\">Your server is stopped. Your files are kept.</div>")
                .contains("state phase-stopped\">stopped</span>").doesNotContain("href=\"/user/ann/\">Open</a>")
                .doesNotContain("class=\"server-problem\"");
    }

    @Test
    void aRefusedStartIsAFlashErrorWithTheReasonNotAnErrorPage() throws Exception {
        HubClient rita = user("rita");
        HubClient.Res r = rita.form("/servers/start", Map.of("server", "", "environment", "nosuch", "profile", "small"));
        assertThat(r.status()).isEqualTo(303);
        assertThat(r.location()).isEqualTo("/");
        assertThat(rita.get("/").body()).contains("<div class=\"flash flash-error\" role=\"alert\">Your server could not start: "
                + "there is no environment called &quot;nosuch&quot;; choose one of: minimal</div>");

        rita.form("/servers/start", Map.of("server", "Bad Name", "environment", "minimal", "profile", "small")).expectStatus(303);
        assertThat(rita.get("/").body()).contains("Your server &quot;Bad Name&quot; could not start: a server name is 1 to 32");

        rita.form("/servers/restart", Map.of("server", "")).expectStatus(303);
        assertThat(rita.get("/").body()).contains("role=\"alert\">Your server could not restart: rita&#39;s server does not exist");
    }

    @Test
    void theFormsActOnlyOnTheCallersOwnServers() throws Exception {
        HubClient olga = user("olga");
        HubClient bob = user("bob");
        olga.form("/servers/start", MINIMAL_SMALL).expectStatus(303);
        await("olga's server to run", READY, () -> server(t.hub(), "olga", "").state() == Server.State.RUNNING);
        String container = server(t.hub(), "olga", "").containerId().orElseThrow();

        // Whatever bob names, the forms take the user from his session: these reach for his own (missing) server.
        for (String action : new String[] {"/servers/stop", "/servers/restart", "/servers/delete"}) {
            bob.form(action, Map.of("server", "", "user", "olga", "name", "olga")).expectStatus(303);
            assertThat(bob.get("/").body()).as(action).contains("role=\"alert\">Your server could ");
        }
        bob.form("/servers/stop", Map.of("server", "../olga")).expectStatus(303);
        assertThat(bob.get("/").body()).contains("role=\"alert\">");

        Server after = server(t.hub(), "olga", "");
        assertThat(after.state()).isEqualTo(Server.State.RUNNING);
        assertThat(after.containerId()).contains(container);
        assertThat(t.hub().spawner().serversOf("bob")).isEmpty();
    }

    @Test
    void aNamedServerStartsNextToTheDefaultOneAndCanBeDeleted() throws Exception {
        HubClient nina = user("nina");
        nina.form("/servers/start", Map.of("server", "analysis", "environment", "minimal", "profile", "small")).expectStatus(303);
        await("the named server to run", READY, () -> server(t.hub(), "nina", "analysis").state() == Server.State.RUNNING);
        String page = nina.get("/").body();
        assertThat(page).contains("Server “analysis”").contains("href=\"/user/nina/analysis/\">Open</a>")
                .contains("You have 1 of 1 named servers.");

        nina.form("/servers/delete", Map.of("server", "analysis")).expectStatus(303);
        assertThat(nina.get("/").body()).contains("role=\"status\">Your server &quot;analysis&quot; is deleted. Your files are kept.</div>")
                .doesNotContain("Server “analysis”");
        assertThat(t.hub().spawner().server(new ServerKey("nina", "analysis"))).isEmpty();
    }

    @Test
    void aRunningServerThatLostAProcessToTheOomKillerWarnsItsUser() throws Exception {
        HubClient otto = user("otto");
        otto.form("/servers/start", MINIMAL_SMALL).expectStatus(303);
        await("otto's server to run", READY, () -> server(t.hub(), "otto", "").state() == Server.State.RUNNING);
        t.hub().spawner().store().recordOom(server(t.hub(), "otto", "").id(), "python3", Instant.parse("2026-11-21T10:15:00Z"));
        assertThat(otto.get("/").body()).contains("<strong>Out of memory:</strong> a process (python3) was killed for lack of memory at")
                .contains("2026-11-21 10:15 UTC").contains("start it again with a larger profile");
    }

    @Test
    void theAdminServersPageListsRunningServersWithCpuAndMemory() throws Exception {
        HubClient carl = user("carl");
        carl.form("/servers/start", MINIMAL_SMALL).expectStatus(303);
        await("carl's server to run", READY, () -> server(t.hub(), "carl", "").state() == Server.State.RUNNING);
        String page = admin.get("/admin/servers").expectStatus(200).body();
        String row = row(page, "carl", "").orElseThrow(() -> new AssertionError("no row for carl in\n" + page));
        assertThat(row).contains("<span class=\"muted\">default</span>").contains("<td>minimal</td>").contains("<td>small</td>")
                .contains("state phase-running\">running</span>").containsPattern("<td class=\"num\">\\d+ s</td>")
                .containsPattern("<td class=\"num\" data-cpu>\\d+\\.\\d %</td>")
                .containsPattern("<td class=\"num\" data-memory>[\\d.]+[KM] / 2G</td>")
                .contains("action=\"/admin/servers/carl/stop\"").contains("action=\"/admin/servers/carl/restart\"");
        assertThat(page).contains("<a href=\"/admin/servers\" aria-current=\"page\">Servers</a>");

        carl.get("/admin/servers").expectStatus(403);
        carl.form("/admin/servers/carl/stop", Map.of("server", "")).expectStatus(403);
        assertThat(server(t.hub(), "carl", "").state()).isEqualTo(Server.State.RUNNING);
    }

    @Test
    void anAdminStopsAUsersServerAndTheUserIsToldWhy() throws Exception {
        HubClient alma = user("alma");
        alma.form("/servers/start", MINIMAL_SMALL).expectStatus(303);
        await("alma's server to run", READY, () -> server(t.hub(), "alma", "").state() == Server.State.RUNNING);
        String before = server(t.hub(), "alma", "").containerId().orElseThrow();

        admin.get("/admin/servers");
        admin.form("/admin/servers/alma/restart", Map.of("server", "")).expectStatus(303);
        assertThat(admin.get("/admin/servers").body()).contains("role=\"status\">Restarting alma&#39;s server with the same environment and profile.");
        await("alma's server to run again", READY, () -> server(t.hub(), "alma", "").state() == Server.State.RUNNING);
        assertThat(server(t.hub(), "alma", "").containerId().orElseThrow()).as("a new container").isNotEqualTo(before);

        admin.form("/admin/servers/alma/stop", Map.of("server", "")).expectStatus(303);
        assertThat(admin.get("/admin/servers").body()).contains("role=\"status\">Stopped alma&#39;s server.");
        assertThat(server(t.hub(), "alma", "").state()).isEqualTo(Server.State.STOPPED);
        assertThat(alma.get("/").body()).contains("<strong>Stopped:</strong> " + AdminServerPages.STOPPED_BY_ADMIN);

        admin.form("/admin/servers/nobody/stop", Map.of("server", "")).expectStatus(303);
        assertThat(admin.get("/admin/servers").body()).contains("role=\"alert\">Could not stop: nobody&#39;s server does not exist");
    }

    /** The table row of one server on the admin page. */
    private static Optional<String> row(String page, String user, String server) {
        Matcher m = Pattern.compile("<tr data-user=\"" + user + "\" data-server=\"" + server + "\">(.*?)</tr>", Pattern.DOTALL).matcher(page);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
