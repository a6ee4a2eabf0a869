package org.labhub.audit;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Security-relevant events (logins, failures, admin actions) kept in the catalog and mirrored to the log. */
public final class AuditLog {
    private static final Logger log = LoggerFactory.getLogger("audit");

    private final Jdbi db;
    private final Clock clock;

    public AuditLog(Jdbi db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public enum Outcome { OK, DENIED, FAILED }

    public record Event(long id, Instant at, String actor, String action, String target, String outcome, String address,
                        String detail) {}

    public void record(String actor, String action, String target, Outcome outcome, String address, String detail) {
        Instant now = clock.instant();
        db.useHandle(h -> h.createUpdate("INSERT INTO audit_events (occurred_at, actor, action, target, outcome, address, detail) "
                        + "VALUES (:at, :actor, :action, :target, :outcome, :address, :detail)")
                .bind("at", Timestamp.from(now)).bind("actor", clip(actor, 64)).bind("action", clip(action, 64))
                .bind("target", clip(target, 256)).bind("outcome", outcome.name().toLowerCase())
                .bind("address", clip(address, 64)).bind("detail", clip(detail, 1000)).execute());
        log.atInfo().addKeyValue("actor", clip(actor, 64)).addKeyValue("action", action).addKeyValue("target", clip(target, 256))
                .addKeyValue("outcome", outcome.name().toLowerCase()).addKeyValue("address", address).log(detail);
    }

    /** Newest first; {@code action} narrows to one kind of event when present. */
    public List<Event> recent(int limit, int offset, Optional<String> action) {
        String where = action.isPresent() ? " WHERE action = :action" : "";
        return db.withHandle(h -> {
            var q = h.createQuery("SELECT id, occurred_at, actor, action, target, outcome, address, detail FROM audit_events" + where
                    + " ORDER BY id DESC OFFSET :offset ROWS FETCH NEXT :limit ROWS ONLY")
                    .bind("offset", offset).bind("limit", limit);
            action.ifPresent(a -> q.bind("action", a));
            return q.map((rs, ctx) -> new Event(rs.getLong(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4),
                    rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8))).list();
        });
    }

    private static String clip(String s, int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, max);
    }
}
