package org.labhub.auth;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Browser sessions kept in the catalog, so they survive a hub restart and can be ended at once for one user.
 * The cookie carries a random id; the catalog stores only its SHA-256.
 */
public final class Sessions {
    /** last_seen is written at most this often, so reading pages does not mean a catalog write each time. */
    private static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);

    private final Jdbi db;
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration maxAge;

    public Sessions(Jdbi db, Clock clock, Duration idleTimeout, Duration maxAge) {
        this.db = db;
        this.clock = clock;
        this.idleTimeout = idleTimeout;
        this.maxAge = maxAge;
    }

    /** Moves on whenever a session ends (logout, expiry, a user's sessions ended): caches of sessions key on it. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    public long generation() {
        return generation.get();
    }

    public record Session(String idHash, long userId, String csrfToken, Instant lastSeen, Instant expiresAt) {}

    /** A new session: the cookie value is returned once and never stored. */
    public record Issued(String cookieValue, String csrfToken) {}

    public Issued create(long userId) {
        String id = Secrets.randomToken(32);
        String csrf = Secrets.randomToken(24);
        Instant now = clock.instant();
        db.useHandle(h -> h.createUpdate("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen, expires_at) "
                        + "VALUES (:id, :user, :csrf, :now, :now, :expires)")
                .bind("id", Secrets.sha256(id)).bind("user", userId).bind("csrf", csrf)
                .bind("now", Timestamp.from(now)).bind("expires", Timestamp.from(now.plus(maxAge))).execute());
        return new Issued(id, csrf);
    }

    public Optional<Session> find(String cookieValue) {
        if (cookieValue == null || cookieValue.length() != 43) {
            return Optional.empty();
        }
        return findByHash(Secrets.sha256(cookieValue));
    }

    /**
     * A live session by the hash of its cookie (what the catalog keys it by). The hash is not a credential: the hub
     * accepts only the cookie itself, or a value it signed around the hash (a user origin's cookie).
     */
    public Optional<Session> findByHash(String hash) {
        Optional<Session> found = db.withHandle(h -> h.createQuery(
                        "SELECT id_hash, user_id, csrf_token, last_seen, expires_at FROM sessions WHERE id_hash = :id")
                .bind("id", hash)
                .map((rs, ctx) -> new Session(rs.getString(1), rs.getLong(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant()))
                .findOne());
        Instant now = clock.instant();
        if (found.isEmpty()) {
            return found;
        }
        Session s = found.get();
        if (!now.isBefore(s.expiresAt()) || !now.isBefore(s.lastSeen().plus(idleTimeout))) {
            db.useHandle(h -> h.createUpdate("DELETE FROM sessions WHERE id_hash = :id").bind("id", hash).execute());
            generation.incrementAndGet();
            return Optional.empty();
        }
        if (now.isAfter(s.lastSeen().plus(TOUCH_INTERVAL))) {
            db.useHandle(h -> h.createUpdate("UPDATE sessions SET last_seen = :now WHERE id_hash = :id")
                    .bind("now", Timestamp.from(now)).bind("id", hash).execute());
        }
        return found;
    }

    public void end(String cookieValue) {
        db.useHandle(h -> h.createUpdate("DELETE FROM sessions WHERE id_hash = :id")
                .bind("id", Secrets.sha256(cookieValue)).execute());
        generation.incrementAndGet();
    }

    /** Ends every session of a user (password changed, account disabled or deleted). */
    public int endAll(long userId) {
        int ended = db.withHandle(h -> h.createUpdate("DELETE FROM sessions WHERE user_id = :user").bind("user", userId).execute());
        generation.incrementAndGet();
        return ended;
    }

    public int purgeExpired() {
        Instant now = clock.instant();
        int purged = db.withHandle(h -> h.createUpdate("DELETE FROM sessions WHERE expires_at <= :now OR last_seen <= :idle")
                .bind("now", Timestamp.from(now)).bind("idle", Timestamp.from(now.minus(idleTimeout))).execute());
        generation.incrementAndGet();
        return purged;
    }
}
