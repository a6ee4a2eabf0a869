package org.labhub.archives;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Re-runs of archives and their reports, in the catalog ({@code archive_runs}). */
public final class ArchiveRuns {
    private static final String COLUMNS = "id, archive_id, started_by, started_at, finished_at, state, tolerance, identical, differs, errored, message";

    private final Jdbi db;

    public ArchiveRuns(Jdbi db) {
        this.db = db;
    }

    /**
     * One re-run. {@code state}: running, identical (every cell), differs (some cell differs, none errored),
     * errored (some cell raised), failed (the run itself did not finish: image missing, time limit, damage).
     */
    public record ArchiveRun(long id, String archiveId, String startedBy, Instant startedAt, Optional<Instant> finishedAt,
                             String state, Optional<Double> tolerance, int identical, int differs, int errored, String message) {}

    public long start(String archive, String by, Optional<Double> tolerance, Instant now) {
        return db.withHandle(h -> h.createUpdate("INSERT INTO archive_runs (archive_id, started_by, started_at, state, tolerance) "
                        + "VALUES (:a, :by, :now, 'running', :t)")
                .bind("a", archive).bind("by", by).bind("now", Timestamp.from(now)).bind("t", tolerance.orElse(null))
                .executeAndReturnGeneratedKeys("ID").mapTo(Long.class).one());
    }

    public void finish(long id, String state, int identical, int differs, int errored, String message, String reportJson, Instant now) {
        db.useHandle(h -> h.createUpdate("UPDATE archive_runs SET state = :s, identical = :i, differs = :d, errored = :e, "
                        + "message = :m, report = :r, finished_at = :now WHERE id = :id")
                .bind("id", id).bind("s", state).bind("i", identical).bind("d", differs).bind("e", errored)
                .bind("m", ArchiveStore.trim(message, 4000)).bind("r", reportJson).bind("now", Timestamp.from(now)).execute());
    }

    /** Re-runs a previous hub left running (it stopped or crashed meanwhile) are recorded as failed; answers how many. */
    public int failUnfinished(Instant now) {
        return db.withHandle(h -> h.createUpdate("UPDATE archive_runs SET state = 'failed', finished_at = :now, "
                        + "message = 'the hub stopped while this re-ran; start it again' WHERE state = 'running'")
                .bind("now", Timestamp.from(now)).execute());
    }

    public List<ArchiveRun> of(String archive) {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM archive_runs WHERE archive_id = :a ORDER BY id DESC")
                .bind("a", archive).map((rs, ctx) -> read(rs)).list());
    }

    public Optional<ArchiveRun> byId(String archive, long id) {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM archive_runs WHERE archive_id = :a AND id = :id")
                .bind("a", archive).bind("id", id).map((rs, ctx) -> read(rs)).findOne());
    }

    public Optional<String> report(String archive, long id) {
        return db.withHandle(h -> h.createQuery("SELECT report FROM archive_runs WHERE archive_id = :a AND id = :id")
                .bind("a", archive).bind("id", id).mapTo(String.class).findOne());
    }

    private static ArchiveRun read(ResultSet rs) throws SQLException {
        Timestamp finished = rs.getTimestamp("finished_at");
        double t = rs.getDouble("tolerance");
        Optional<Double> tolerance = rs.wasNull() ? Optional.empty() : Optional.of(t);
        return new ArchiveRun(rs.getLong("id"), rs.getString("archive_id"), rs.getString("started_by"),
                rs.getTimestamp("started_at").toInstant(), Optional.ofNullable(finished).map(Timestamp::toInstant), rs.getString("state"),
                tolerance, rs.getInt("identical"), rs.getInt("differs"), rs.getInt("errored"), rs.getString("message"));
    }
}
