package org.labhub.spawner;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.labhub.auth.Scope;
import org.labhub.config.ByteSize;
import org.labhub.podman.ContainerStats;
import org.labhub.users.Accounts;
import org.labhub.users.User;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/** The admins' view of every notebook server on the hub, with what each uses, and buttons to stop or restart one. */
public final class AdminServerPages implements Routes.Provider {
    /** The reason its user sees on the dashboard. */
    static final String STOPPED_BY_ADMIN = "an administrator stopped this server";

    private final Spawner spawner;
    private final Accounts accounts;
    private final Pages pages;
    private final Clock clock;

    public AdminServerPages(Spawner spawner, Accounts accounts, Pages pages, Clock clock) {
        this.spawner = spawner;
        this.accounts = accounts;
        this.pages = pages;
        this.clock = clock;
    }

    @Override
    public void register(Routes r) {
        r.get("/admin/servers", Access.admin(Scope.READ), this::list, "Every notebook server, with CPU and memory")
         .post("/admin/servers/{name}/stop", Access.admin(Scope.ADMIN), this::stop, "Stop a user's server (form: server)")
         .post("/admin/servers/{name}/restart", Access.admin(Scope.ADMIN), this::restart, "Restart a user's server (form: server)");
    }

    /**
     * One row of the table. Usage figures are empty strings when the server is not running or Podman gave no sample.
     */
    public record Row(String user, String name, String label, String environment, String profile, String phase,
                      String uptime, String cpu, String memory, Optional<Instant> lastActivity, boolean running) {}

    private void list(Exchange ex) {
        Instant now = clock.instant();
        List<Row> rows = spawner.all().stream().map(s -> row(s, now)).toList();
        Map<String, Object> model = new HashMap<>();
        model.put("rows", rows);
        model.put("running", rows.stream().filter(Row::running).count());
        pages.render(ex, "admin/servers", model);
    }

    private Row row(Server s, Instant now) {
        boolean running = s.state() == Server.State.RUNNING;
        String uptime = running ? s.readyAt().map(at -> duration(Duration.between(at, now))).orElse("") : "";
        Optional<ContainerStats> stats = spawner.stats(s);
        // A dash in the cell when there is no sample: the container is going, or Podman is not answering (/api/health).
        String cpu = stats.map(st -> String.format(Locale.ROOT, "%.1f %%", st.cpuPercent())).orElse("");
        String memory = stats.map(st -> ByteSize.format(st.memoryUsageBytes()) + " / " + ByteSize.format(st.memoryLimitBytes()))
                .orElse("");
        return new Row(s.user(), s.name(), s.isDefault() ? "default" : s.name(), s.environment(), s.profile(), s.state().id(),
                uptime, cpu, memory, s.lastActivity(), running);
    }

    /** {@code 45 s}, {@code 12 min}, {@code 3 h 05 min}, {@code 2 d 4 h}. */
    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min";
        }
        if (s < 86_400) {
            return String.format(Locale.ROOT, "%d h %02d min", s / 3600, s % 3600 / 60);
        }
        return s / 86_400 + " d " + s % 86_400 / 3600 + " h";
    }

    private void stop(Exchange ex) {
        act(ex, "stop", key -> {
            SpawnProgress.Event last = spawner.stop(ServersApi.actor(ex), key, STOPPED_BY_ADMIN).await(ServersApi.SYNC_WAIT);
            if (last == null) {
                return "Stopping " + key.describe() + "; it takes a few seconds more.";
            }
            if (last.failed()) {
                throw new HttpError(last.status(), "stop_failed", last.message());
            }
            return "Stopped " + key.describe() + ".";
        });
    }

    private void restart(Exchange ex) {
        act(ex, "restart", key -> {
            User user = accounts.require(key.user());
            spawner.restart(ServersApi.actor(ex), user, key);
            return "Restarting " + key.describe() + " with the same environment and profile.";
        });
    }

    /** Runs an action on the server the path and form name, and goes back to the list with its outcome as the flash. */
    private void act(Exchange ex, String verb, Function<ServerKey, String> action) {
        try {
            ServerKey key = new ServerKey(ex.pathParam("name"), ex.formValue("server").trim());
            pages.flash().success(ex, action.apply(key));
        } catch (HttpError e) {
            pages.flash().error(ex, "Could not " + verb + ": " + e.getMessage());
        }
        ex.redirect("/admin/servers");
    }
}
