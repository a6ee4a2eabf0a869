package org.labhub.spawner;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.labhub.auth.Scope;
import org.labhub.config.LabhubConfig;
import org.labhub.datasets.Datasets;
import org.labhub.environments.Environment;
import org.labhub.environments.Environments;
import org.labhub.environments.Profile;
import org.labhub.environments.Profiles;
import org.labhub.files.FilesPages;
import org.labhub.users.GroupStore;
import org.labhub.users.User;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/**
 * The dashboard at {@code /}, where a user lands after login: their notebook servers and the form that starts one.
 * The form posts to the routes here and works without a script; {@code app.js} sends it to the API instead and
 * follows the start's progress. These routes act only on the caller's own servers.
 */
public final class DashboardPage implements Routes.Provider {
    /** How long a stop from the page may take before the dashboard shows it still stopping (and refreshes). */

    private final Pages pages;
    private final GroupStore groups;
    private final Spawner spawner;
    private final Environments environments;
    private final Profiles profiles;
    private final LabhubConfig.Spawner config;
    private final Function<String, FilesPages.UsageView> usage;
    private final Datasets datasets;

    public DashboardPage(Pages pages, GroupStore groups, Spawner spawner, Environments environments, Profiles profiles,
                         LabhubConfig.Spawner config, Function<String, FilesPages.UsageView> usage, Datasets datasets) {
        this.datasets = datasets;
        this.pages = pages;
        this.groups = groups;
        this.spawner = spawner;
        this.environments = environments;
        this.profiles = profiles;
        this.config = config;
        this.usage = usage;
    }

    @Override
    public void register(Routes r) {
        r.get("/", Access.user(Scope.READ), this::dashboard, "Dashboard: your servers and the start form")
         .post("/servers/start", Access.user(Scope.SERVERS), this::start, "Start one of your servers (form: server, environment, profile)")
         .post("/servers/stop", Access.user(Scope.SERVERS), this::stop, "Stop one of your servers (form: server)")
         .post("/servers/restart", Access.user(Scope.SERVERS), this::restart, "Restart one of your servers (form: server)")
         .post("/servers/delete", Access.user(Scope.SERVERS), this::delete, "Delete one of your named servers (form: server)");
    }

    /** An environment in the start form. */
    public record EnvironmentChoice(String name, String displayName, String description, boolean selected) {}

    /** A profile in the start form. */
    public record ProfileChoice(String name, String displayName, boolean selected) {}

    private void dashboard(Exchange ex) {
        User me = ex.principal().user().orElseThrow();
        List<Server> mine = spawner.serversOf(me.name());
        // Sent here by the proxy from a page of a server that is not running: open that page once it runs.
        Optional<String> next = ex.query("next").filter(n -> isOwnServerPath(n, me.name()));
        Optional<ServerKey> nextServer = next.map(n -> serverOfPath(n, me.name(), mine));
        if (next.isPresent() && mine.stream().anyMatch(s -> s.key().equals(nextServer.get()) && s.state() == Server.State.RUNNING)) {
            ex.redirect(next.get());
            return;
        }
        List<String> myGroups = groups.groupsOf(me.id());
        List<Environment> enabled = environments.enabled();
        List<Profile> open = profiles.availableTo(me.admin(), myGroups);
        // Display names; a server keeps showing the name it was started with if its environment was disabled since.
        Map<String, String> envNames = environments.all().stream().collect(Collectors.toMap(Environment::name, Environment::displayName));
        Map<String, String> profileNames = profiles.availableTo(true, List.of()).stream()
                .collect(Collectors.toMap(Profile::name, Profile::displayName));
        List<ServerView> servers = mine.stream()
                .map(s -> ServerView.of(s, spawner.progress(s.key()), envNames, profileNames)).toList();
        Optional<Server> defaultServer = mine.stream().filter(Server::isDefault).findFirst();
        boolean defaultActive = defaultServer.map(s -> s.state().active()).orElse(false);
        String preferred = defaultServer.map(Server::environment).filter(n -> enabled.stream().anyMatch(e -> e.name().equals(n)))
                .or(() -> enabled.stream().map(Environment::name).filter("python"::equals).findFirst())
                .orElse(enabled.isEmpty() ? "" : enabled.get(0).name());
        String defaultProfile = open.stream().filter(Profile::isDefault).map(Profile::name).findFirst()
                .orElse(open.isEmpty() ? "" : open.get(0).name());

        Map<String, Object> model = new HashMap<>();
        model.put("groups", myGroups);
        model.put("usage", usage.apply(me.name()));
        model.put("datasets", datasets.visibleTo(me.admin(), myGroups));
        model.put("servers", servers);
        model.put("refresh", servers.stream().anyMatch(ServerView::busy));
        model.put("environments", enabled.stream()
                .map(e -> new EnvironmentChoice(e.name(), e.displayName(), e.description(), e.name().equals(preferred))).toList());
        model.put("profiles", open.stream().map(p -> new ProfileChoice(p.name(), p.displayName(), p.name().equals(defaultProfile))).toList());
        model.put("maxNamed", config.maxNamedServers());
        model.put("namedCount", servers.stream().filter(s -> !s.isDefault()).count());
        model.put("defaultActive", defaultActive);
        model.put("canStart", !defaultActive || config.maxNamedServers() > 0);
        model.put("namePattern", ServerKey.NAME_PATTERN);
        model.put("next", next.orElse(""));
        model.put("nextServer", nextServer.map(ServerKey::server).orElse(""));
        model.put("nextTitle", nextServer.map(DashboardPage::yours).orElse(""));
        pages.render(ex, "home", model);
    }

    private void start(Exchange ex) {
        User me = ex.principal().user().orElseThrow();
        act(ex, "could not start", () -> {
            ServerKey key = own(ex, me);
            spawner.start(ServersApi.actor(ex), me, key.server(), ex.formValue("environment"), ex.formValue("profile"));
            return yours(key) + " is starting; this page shows when it is ready.";
        });
    }

    private void stop(Exchange ex) {
        User me = ex.principal().user().orElseThrow();
        act(ex, "could not be stopped", () -> {
            ServerKey key = own(ex, me);
            SpawnProgress.Event last = spawner.stop(ServersApi.actor(ex), key, "").await(ServersApi.SYNC_WAIT);
            if (last == null) {
                return yours(key) + " is stopping; this page shows when it has stopped.";
            }
            if (last.failed()) {
                throw new HttpError(last.status(), "stop_failed", last.message());
            }
            return yours(key) + " is stopped. Your files are kept.";
        });
    }

    private void restart(Exchange ex) {
        User me = ex.principal().user().orElseThrow();
        act(ex, "could not restart", () -> {
            ServerKey key = own(ex, me);
            spawner.restart(ServersApi.actor(ex), me, key);
            return yours(key) + " is starting again with the same environment and resources.";
        });
    }

    private void delete(Exchange ex) {
        User me = ex.principal().user().orElseThrow();
        act(ex, "could not be deleted", () -> {
            ServerKey key = own(ex, me);
            spawner.delete(ServersApi.actor(ex), key);
            return yours(key) + " is deleted. Your files are kept.";
        });
    }

    /** Whether {@code path} is a page of one of {@code user}'s servers (and safe to send the browser to). */
    static boolean isOwnServerPath(String path, String user) {
        return path.startsWith("/user/" + user + "/") && org.labhub.auth.SafeRedirect.target(path).equals(path);
    }

    /** The server a page of the user's is on: a named server whose name is the first segment, else the default. */
    private static ServerKey serverOfPath(String path, String user, List<Server> mine) {
        String rest = path.substring(("/user/" + user + "/").length());
        String first = rest.split("[/?#]", 2)[0];
        return mine.stream().filter(s -> !s.isDefault() && s.name().equals(first)).findFirst()
                .map(Server::key).orElse(ServerKey.defaultOf(user));
    }

    /**
     * The caller's server named by the form field {@code server} ({@code ""} for the default one). The user is always
     * the caller: no field names another user's server.
     */
    private static ServerKey own(Exchange ex, User me) {
        return new ServerKey(me.name(), ex.formValue("server").trim());
    }

    /** {@code Your server} or {@code Your server "analysis"}. */
    static String yours(ServerKey key) {
        return key.isDefault() ? "Your server" : "Your server \"" + key.server() + "\"";
    }

    /**
     * Runs a form action and goes back to the dashboard with its outcome as the flash: what happened, or what did not
     * and why ({@code "Your server could not start: …"}).
     */
    private void act(Exchange ex, String failed, Supplier<String> action) {
        String server = "";
        try {
            server = ex.formValue("server").trim();
            pages.flash().success(ex, action.get());
        } catch (HttpError e) {
            String what = server.isEmpty() ? "Your server" : "Your server \"" + server + "\"";
            pages.flash().error(ex, what + " " + failed + ": " + e.getMessage());
        }
        String next = ex.formValue("next");
        User me = ex.principal().user().orElseThrow();
        ex.redirect(isOwnServerPath(next, me.name()) ? "/?next=" + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8) : "/");
    }

    /**
     * One server as the dashboard shows it.
     *
     * @param progress the current start's or stop's percentage, or -1 when none is under way
     */
    public record ServerView(String name, boolean isDefault, String title, String phase, String environment, String profile,
                             Optional<Instant> started, Optional<Instant> lastActivity, Optional<Instant> stoppedAt,
                             String stopReason, String url, Optional<Instant> oomAt, String oomTask, int progress, String stage) {

        static ServerView of(Server s, Optional<SpawnProgress> op, Map<String, String> envNames, Map<String, String> profileNames) {
            String env = envNames.getOrDefault(s.environment(), s.environment());
            String profile = profileNames.getOrDefault(s.profile(), s.profile());
            SpawnProgress.Event latest = op.map(SpawnProgress::latest).filter(e -> !e.last()).orElse(null);
            boolean running = s.state() == Server.State.RUNNING;
            return new ServerView(s.name(), s.isDefault(), s.isDefault() ? "Default server" : "Server “" + s.name() + "”",
                    s.state().id(), env, profile, s.readyAt().or(s::requestedAt), s.lastActivity(), s.stoppedAt(),
                    s.state() == Server.State.STOPPED ? s.stopReason() : "", s.key().baseUrl(),
                    running ? s.lastOomAt() : Optional.empty(), s.lastOomTask().orElse("a process"),
                    latest == null ? -1 : latest.progress(), latest == null ? "" : latest.message());
        }

        public boolean running() {
            return phase.equals("running");
        }

        public boolean stopped() {
            return phase.equals("stopped");
        }

        /** Starting or stopping: the page refreshes itself until it is done. */
        public boolean busy() {
            return phase.equals("starting") || phase.equals("stopping");
        }
    }
}
