package org.labhub.jobs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.jdbi.v3.core.Jdbi;
import org.labhub.runs.RunState;

/** The jobs table. */
public final class JobStore {
    private static final String COLUMNS = "id, owner, notebook, environment, profile, parameters, output_folder, timeout_seconds, "
            + "stop_on_error, state, message, failing_cell, failing_error, output_path, image_digest, run_id, created_at, "
            + "started_at, finished_at";

    private final Jdbi db;

    public JobStore(Jdbi db) {
        this.db = db;
    }

    /** What a submission fixes. */
    public record Fields(String owner, String notebook, String environment, String profile, String parameters,
                         String outputFolder, Duration timeout, boolean stopOnError) {}

    public Job insert(Fields f, Instant now) {
        long id = db.withHandle(h -> h.createUpdate("INSERT INTO jobs (owner, notebook, environment, profile, parameters, "
                        + "output_folder, timeout_seconds, stop_on_error, state, created_at) VALUES (:owner, :notebook, :environment, "
                        + ":profile, :parameters, :output, :timeout, :stop, 'queued', :now)")
                .bind("owner", f.owner()).bind("notebook", f.notebook()).bind("environment", f.environment())
                .bind("profile", f.profile()).bind("parameters", f.parameters()).bind("output", f.outputFolder())
                .bind("timeout", f.timeout().toSeconds()).bind("stop", f.stopOnError()).bind("now", Timestamp.from(now))
                .executeAndReturnGeneratedKeys("ID").mapTo(Long.class).one());
        return byId(id).orElseThrow();
    }

    public Optional<Job> byId(long id) {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM jobs WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> read(rs)).findOne());
    }

    public List<Job> ofOwner(String owner) {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM jobs WHERE owner = :owner ORDER BY id DESC")
                .bind("owner", owner).map((rs, ctx) -> read(rs)).list());
    }

    /** Jobs the catalog says are queued or running: at hub start, none of them really is. */
    public List<Job> unfinished() {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM jobs WHERE state IN ('queued', 'running') ORDER BY id")
                .map((rs, ctx) -> read(rs)).list());
    }

    public void setRun(long id, String runId) {
        db.useHandle(h -> h.createUpdate("UPDATE jobs SET run_id = :run WHERE id = :id").bind("run", runId).bind("id", id).execute());
    }

    /** Records a final state; a job already final is left alone (returns false). */
    public boolean finish(long id, RunState state, String message, OptionalInt failingCell, String failingError, String outputPath,
                          String imageDigest, Optional<Instant> started, Instant finished) {
        return db.withHandle(h -> h.createUpdate("UPDATE jobs SET state = :state, message = :message, failing_cell = :cell, "
                        + "failing_error = :error, output_path = :output, image_digest = :digest, started_at = :started, "
                        + "finished_at = :finished WHERE id = :id AND state IN ('queued', 'running')")
                .bind("state", stateId(state)).bind("message", cut(message)).bind("cell", failingCell.isPresent() ? failingCell.getAsInt() : null)
                .bind("error", cut(failingError)).bind("output", outputPath).bind("digest", imageDigest)
                .bind("started", started.map(Timestamp::from).orElse(null)).bind("finished", Timestamp.from(finished))
                .bind("id", id).execute()) == 1;
    }

    public void markRunning(long id, Instant started) {
        db.useHandle(h -> h.createUpdate("UPDATE jobs SET state = 'running', started_at = :started WHERE id = :id AND state = 'queued'")
                .bind("started", Timestamp.from(started)).bind("id", id).execute());
    }

    public boolean delete(long id) {
        return db.withHandle(h -> h.createUpdate("DELETE FROM jobs WHERE id = :id").bind("id", id).execute()) == 1;
    }

    public static String stateId(RunState s) {
        return s.name().toLowerCase();
    }

    private static String cut(String s) {
        return s.length() > 3900 ? s.substring(0, 3900) + "…" : s;
    }

    private static Job read(ResultSet rs) throws SQLException {
        int cell = rs.getInt("failing_cell");
        OptionalInt failing = rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(cell);
        return new Job(rs.getLong("id"), rs.getString("owner"), rs.getString("notebook"), rs.getString("environment"),
                rs.getString("profile"), rs.getString("parameters"), rs.getString("output_folder"),
                Duration.ofSeconds(rs.getLong("timeout_seconds")), rs.getBoolean("stop_on_error"),
                RunState.valueOf(rs.getString("state").toUpperCase()), rs.getString("message"), failing,
                rs.getString("failing_error"), rs.getString("output_path"), rs.getString("image_digest"), rs.getString("run_id"),
                rs.getTimestamp("created_at").toInstant(), time(rs, "started_at"), time(rs, "finished_at"));
    }

    private static Optional<Instant> time(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return Optional.ofNullable(t).map(Timestamp::toInstant);
    }
}
