package org.labhub.spawner;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.labhub.auth.Scope;
import org.labhub.users.Accounts;
import org.labhub.users.User;
import org.labhub.web.Access;
import org.labhub.web.EventStream;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Json;
import org.labhub.web.Routes;

/**
 * JupyterHub's server endpoints: start, stop and follow the default server and named servers. A start answers 201
 * when the server is ready within {@link #SYNC_WAIT} (almost always), else 202 while it goes on;
 * a start that fails in that time answers with the failure's status and message.
 */
public final class ServersApi implements Routes.Provider {
    static final Duration SYNC_WAIT = Duration.ofSeconds(10);
    /** Keep-alive comments on a quiet progress stream. */
    private static final long KEEP_ALIVE_SECONDS = 15;

    private final Spawner spawner;
    private final Accounts accounts;

    public ServersApi(Spawner spawner, Accounts accounts) {
        this.spawner = spawner;
        this.accounts = accounts;
    }

    @Override
    public void register(Routes r) {
        r.post("/api/users/{name}/server", Access.selfOrAdmin(Scope.SERVERS), ex -> start(ex, ""),
                        "Start the user's default server; body: environment, profile (both optional)")
         .delete("/api/users/{name}/server", Access.selfOrAdmin(Scope.SERVERS), ex -> stop(ex, ""), "Stop the user's default server")
         .post("/api/users/{name}/server/restart", Access.selfOrAdmin(Scope.SERVERS), ex -> restart(ex, ""),
                 "Restart the default server with the same environment and profile")
         .get("/api/users/{name}/server/progress", Access.selfOrAdmin(Scope.READ), ex -> progress(ex, ""),
                 "Progress of the default server's start or stop (server-sent events)")
         .post("/api/users/{name}/servers/{server}", Access.selfOrAdmin(Scope.SERVERS), ex -> start(ex, ex.pathParam("server")),
                 "Start a named server; body: environment, profile")
         .delete("/api/users/{name}/servers/{server}", Access.selfOrAdmin(Scope.SERVERS), ex -> stop(ex, ex.pathParam("server")),
                 "Stop a named server; remove=true (query or body) also deletes it")
         .post("/api/users/{name}/servers/{server}/restart", Access.selfOrAdmin(Scope.SERVERS),
                 ex -> restart(ex, ex.pathParam("server")), "Restart a named server")
         .get("/api/users/{name}/servers/{server}/progress", Access.selfOrAdmin(Scope.READ),
                 ex -> progress(ex, ex.pathParam("server")), "Progress of a named server's start or stop (server-sent events)")
         .get("/api/servers", Access.admin(Scope.READ), this::all, "Every server on the hub, with CPU and memory of running ones");
    }

    record StartBody(String environment, String profile) {}

    record StopBody(Boolean remove) {}

    private void start(Exchange ex, String server) {
        User user = accounts.require(ex.pathParam("name"));
        StartBody body = ex.jsonBody(StartBody.class);
        SpawnProgress p = spawner.start(actor(ex), user, server, body.environment(), body.profile());
        answer(ex, new ServerKey(user.name(), server), p, 201);
    }

    private void stop(Exchange ex, String server) {
        User user = accounts.require(ex.pathParam("name"));
        ServerKey key = new ServerKey(user.name(), server);
        boolean remove = ex.query("remove").map("true"::equals).orElse(false)
                || Boolean.TRUE.equals(ex.jsonBody(StopBody.class).remove());
        if (remove) {
            spawner.delete(actor(ex), key);
            ex.noContent();
            return;
        }
        SpawnProgress p = spawner.stop(actor(ex), key, "");
        SpawnProgress.Event last = await(p);
        if (last == null) {
            ex.json(202, model(key));
        } else if (last.failed()) {
            throw new HttpError(last.status(), "stop_failed", last.message());
        } else {
            ex.noContent();
        }
    }

    private void restart(Exchange ex, String server) {
        User user = accounts.require(ex.pathParam("name"));
        ServerKey key = new ServerKey(user.name(), server);
        answer(ex, key, spawner.restart(actor(ex), user, key), 200);
    }

    /** Waits briefly for the start; answers with the server, or the failure, or 202 while it goes on. */
    private void answer(Exchange ex, ServerKey key, SpawnProgress p, int readyStatus) {
        SpawnProgress.Event last = await(p);
        if (last == null) {
            ex.json(202, model(key));
        } else if (last.failed()) {
            throw new HttpError(last.status(), "start_failed", last.message());
        } else {
            ex.json(readyStatus, model(key));
        }
    }

    private static SpawnProgress.Event await(SpawnProgress p) {
        return p.await(SYNC_WAIT);
    }

    private ServerModel model(ServerKey key) {
        return spawner.server(key).map(ServerModel::of).orElseThrow(() -> HttpError.notFound(key.describe() + " does not exist"));
    }

    /**
     * Streams the stages of the current start or stop: those so far, then each as it comes, ending with ready,
     * failed or stopped. With nothing under way, one event says how the server is.
     */
    private void progress(Exchange ex, String server) {
        User user = accounts.require(ex.pathParam("name"));
        ServerKey key = new ServerKey(user.name(), server);
        Optional<SpawnProgress> running = spawner.progress(key);
        Server s = spawner.server(key).orElseThrow(() -> HttpError.notFound(key.describe() + " does not exist"));
        BlockingQueue<SpawnProgress.Event> queue = new LinkedBlockingQueue<>();
        Consumer<SpawnProgress.Event> listener = queue::add;
        List<SpawnProgress.Event> past = running.map(p -> p.follow(listener)).orElse(List.of());
        try (EventStream out = ex.eventStream()) {
            if (running.isEmpty()) {
                out.send(Json.MAPPER.writeValueAsString(snapshot(s)));
                return;
            }
            for (SpawnProgress.Event e : past) {
                out.send(event(e));
                if (e.last()) {
                    return;
                }
            }
            while (true) {
                SpawnProgress.Event e = queue.poll(KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
                if (e == null) {
                    out.keepAlive();
                    continue;
                }
                out.send(event(e));
                if (e.last()) {
                    return;
                }
            }
        } catch (IOException gone) {
            // the browser went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.ifPresent(p -> p.unfollow(listener));
        }
    }

    private static String event(SpawnProgress.Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("progress", e.progress());
        m.put("message", e.message());
        if (e.ready()) {
            m.put("ready", true);
            m.put("url", e.url());
        }
        if (e.failed()) {
            m.put("failed", true);
        }
        if (e.stopped()) {
            m.put("stopped", true);
        }
        return Json.MAPPER.writeValueAsString(m);
    }

    private static Map<String, Object> snapshot(Server s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("progress", 100);
        switch (s.state()) {
            case RUNNING -> {
                m.put("message", "the server is running");
                m.put("ready", true);
                m.put("url", s.key().baseUrl());
            }
            case STOPPED -> {
                m.put("message", s.stopReason().isEmpty() ? "the server is stopped" : s.stopReason());
                m.put("stopped", true);
            }
            default -> m.put("message", "the server is " + s.state().id());
        }
        return m;
    }

    /** Every server, with a CPU and memory sample for running ones (admins' overview). */
    private void all(Exchange ex) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Server s : spawner.all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("user", s.user());
            m.putAll(Json.MAPPER.convertValue(ServerModel.of(s), Map.class));
            spawner.stats(s).ifPresent(st -> {
                m.put("cpu_percent", st.cpuPercent());
                m.put("memory_bytes", st.memoryUsageBytes());
                m.put("memory_limit_bytes", st.memoryLimitBytes());
            });
            out.add(m);
        }
        ex.json(200, out);
    }

    static Spawner.Actor actor(Exchange ex) {
        return new Spawner.Actor(ex.principal().name(), ex.clientAddress());
    }

    /** The user model's {@code servers} map: every server of the user, by name ({@code ""} for the default one). */
    public Map<String, Object> serversOf(String user) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Server s : spawner.serversOf(user)) {
            m.put(s.name(), ServerModel.of(s));
        }
        return m;
    }
}
