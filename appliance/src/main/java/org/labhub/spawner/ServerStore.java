package org.labhub.spawner;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;

/** Servers in the catalog: the record of what should be running, which reconciliation holds Podman to. */
public final class ServerStore {
    private static final String SELECT = "SELECT s.id, s.user_id, u.name AS user_name, s.name, s.environment, s.profile, s.state, "
            + "s.container_id, s.start_nonce, s.requested_at, s.ready_at, s.stopped_at, s.last_activity, s.stop_reason, s.exit_code, "
            + "s.last_oom_at, s.last_oom_task FROM servers s JOIN users u ON u.id = s.user_id ";

    private final Jdbi db;
    /** Counts state changes; moved on after each one commits, so a cache read before it knows it is stale. */
    private final AtomicLong generation = new AtomicLong();

    public ServerStore(Jdbi db) {
        this.db = db;
    }

    /** Changes whenever a server starts, stops, changes container or is deleted: the proxy's route cache key. */
    public long generation() {
        return generation.get();
    }

    private <T> T changed(T result) {
        generation.incrementAndGet();
        return result;
    }

    public Optional<Server> byKey(ServerKey key) {
        return db.withHandle(h -> h.createQuery(SELECT + "WHERE u.name = :user AND s.name = :name")
                .bind("user", key.user()).bind("name", key.server()).map((rs, ctx) -> read(rs)).findOne());
    }

    public List<Server> ofUser(String user) {
        return db.withHandle(h -> h.createQuery(SELECT + "WHERE u.name = :user ORDER BY s.name")
                .bind("user", user).map((rs, ctx) -> read(rs)).list());
    }

    public List<Server> all() {
        return db.withHandle(h -> h.createQuery(SELECT + "ORDER BY u.name, s.name").map((rs, ctx) -> read(rs)).list());
    }

    /** Servers with a container (or one on the way): everything but stopped. */
    public List<Server> active() {
        return db.withHandle(h -> h.createQuery(SELECT + "WHERE s.state <> 'stopped' ORDER BY u.name, s.name")
                .map((rs, ctx) -> read(rs)).list());
    }

    /** How many servers are in each state (every state listed, zeros included). */
    public Map<String, Integer> countByState() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Server.State st : Server.State.values()) {
            counts.put(st.id(), 0);
        }
        db.useHandle(h -> h.createQuery("SELECT state, COUNT(*) FROM servers GROUP BY state")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getInt(2))).forEach(e -> counts.put(e.getKey(), e.getValue())));
        return counts;
    }

    public int countActive() {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM servers WHERE state <> 'stopped'").mapTo(Integer.class).one());
    }

    /** The user's named servers (not the default one), whatever their state. */
    public int countNamed(long userId) {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM servers WHERE user_id = :u AND name <> ''")
                .bind("u", userId).mapTo(Integer.class).one());
    }

    /**
     * Records a start: creates the row or reuses the stopped one. Returns false, changing nothing, when the server
     * is not stopped (someone else is starting or stopping it), so two starts of one server cannot both proceed.
     */
    public boolean claimForStart(long userId, String name, String environment, String profile, String nonce, Instant now) {
        return changed(db.inTransaction(h -> {
            Optional<String> state = h.createQuery("SELECT state FROM servers WHERE user_id = :u AND name = :n FOR UPDATE")
                    .bind("u", userId).bind("n", name).mapTo(String.class).findOne();
            if (state.isPresent() && !state.get().equals("stopped")) {
                return false;
            }
            if (state.isEmpty()) {
                h.createUpdate("INSERT INTO servers (user_id, name, environment, profile, state, start_nonce, requested_at, created_at) "
                                + "VALUES (:u, :n, :env, :profile, 'starting', :nonce, :now, :now)")
                        .bind("u", userId).bind("n", name).bind("env", environment).bind("profile", profile).bind("nonce", nonce)
                        .bind("now", Timestamp.from(now)).execute();
            } else {
                h.createUpdate("UPDATE servers SET environment = :env, profile = :profile, state = 'starting', container_id = NULL, "
                                + "start_nonce = :nonce, requested_at = :now, ready_at = NULL, stopped_at = NULL, last_activity = NULL, "
                                + "stop_reason = '', exit_code = NULL, last_oom_at = NULL, last_oom_task = NULL "
                                + "WHERE user_id = :u AND name = :n")
                        .bind("u", userId).bind("n", name).bind("env", environment).bind("profile", profile).bind("nonce", nonce)
                        .bind("now", Timestamp.from(now)).execute();
            }
            return true;
        }));
    }

    public void setContainer(long id, String containerId) {
        db.useHandle(h -> h.createUpdate("UPDATE servers SET container_id = :c WHERE id = :id").bind("c", containerId).bind("id", id).execute());
        changed(id);
    }

    public void markRunning(long id, Instant now) {
        db.useHandle(h -> h.createUpdate("UPDATE servers SET state = 'running', ready_at = :now, last_activity = :now WHERE id = :id")
                .bind("now", Timestamp.from(now)).bind("id", id).execute());
        changed(id);
    }

    /** Moves a starting or running server to stopping; false if it was in neither state. */
    public boolean markStopping(long id) {
        return changed(db.withHandle(h -> h.createUpdate("UPDATE servers SET state = 'stopping' WHERE id = :id AND state IN ('starting', 'running')")
                .bind("id", id).execute()) > 0);
    }

    /** Records a stop; returns false if it was already stopped (the first reason recorded wins). */
    public boolean markStopped(long id, String reason, OptionalInt exitCode, Instant now) {
        return changed(db.withHandle(h -> h.createUpdate("UPDATE servers SET state = 'stopped', stopped_at = :now, stop_reason = :reason, "
                        + "exit_code = :exit WHERE id = :id AND state <> 'stopped'")
                .bind("now", Timestamp.from(now)).bind("reason", truncate(reason, 500))
                .bind("exit", exitCode.isPresent() ? Integer.valueOf(exitCode.getAsInt()) : null).bind("id", id).execute()) > 0);
    }

    public void recordOom(long id, String task, Instant at) {
        db.useHandle(h -> h.createUpdate("UPDATE servers SET last_oom_at = :at, last_oom_task = :task WHERE id = :id")
                .bind("at", Timestamp.from(at)).bind("task", truncate(task, 64)).bind("id", id).execute());
    }

    /** Moves last activity forward (never back). */
    public void recordActivity(long id, Instant at) {
        db.useHandle(h -> h.createUpdate("UPDATE servers SET last_activity = :at WHERE id = :id AND (last_activity IS NULL OR last_activity < :at)")
                .bind("at", Timestamp.from(at)).bind("id", id).execute());
    }

    public boolean delete(long id) {
        return changed(db.withHandle(h -> h.createUpdate("DELETE FROM servers WHERE id = :id AND state = 'stopped'").bind("id", id).execute()) > 0);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static Server read(ResultSet rs) throws SQLException {
        int exit = rs.getInt("exit_code");
        OptionalInt exitCode = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(exit);
        return new Server(rs.getLong("id"), rs.getLong("user_id"), rs.getString("user_name"), rs.getString("name"),
                rs.getString("environment"), rs.getString("profile"),
                Server.State.valueOf(rs.getString("state").toUpperCase(Locale.ROOT)),
                Optional.ofNullable(rs.getString("container_id")), Optional.ofNullable(rs.getString("start_nonce")),
                instant(rs, "requested_at"), instant(rs, "ready_at"), instant(rs, "stopped_at"), instant(rs, "last_activity"),
                rs.getString("stop_reason"), exitCode, instant(rs, "last_oom_at"), Optional.ofNullable(rs.getString("last_oom_task")));
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? Optional.empty() : Optional.of(t.toInstant());
    }
}
