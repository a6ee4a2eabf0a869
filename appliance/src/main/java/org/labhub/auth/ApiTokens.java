package org.labhub.auth;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/** Personal API tokens: hashed at rest, shown once, with scopes and an optional expiry. */
public final class ApiTokens {
    /** Tokens start with this, so a leaked one is recognisable by secret scanners. */
    public static final String PREFIX = "lh_";
    private static final Duration USE_RECORD_INTERVAL = Duration.ofMinutes(1);

    private final Jdbi db;
    private final Clock clock;

    /** Moves on whenever a token is revoked: caches of verified tokens key on it. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    public long generation() {
        return generation.get();
    }

    public ApiTokens(Jdbi db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    public record TokenInfo(long id, long userId, String prefix, String note, Set<Scope> scopes, Instant createdAt,
                            Optional<Instant> expiresAt, Optional<Instant> lastUsed) {
        public boolean expired(Instant now) {
            return expiresAt.map(e -> !now.isBefore(e)).orElse(false);
        }
    }

    public record Created(String token, TokenInfo info) {}

    public Created create(long userId, String note, Set<Scope> scopes, Optional<Duration> lifetime) {
        String token = PREFIX + Secrets.randomToken(32);
        Instant now = clock.instant();
        Optional<Instant> expires = lifetime.map(now::plus);
        long id = db.withHandle(h -> h.createUpdate("INSERT INTO api_tokens (user_id, token_hash, prefix, note, scopes, created_at, expires_at) "
                        + "VALUES (:user, :hash, :prefix, :note, :scopes, :now, :expires)")
                .bind("user", userId).bind("hash", Secrets.sha256(token)).bind("prefix", token.substring(0, 8))
                .bind("note", note).bind("scopes", encode(scopes)).bind("now", Timestamp.from(now))
                .bind("expires", expires.map(Timestamp::from).orElse(null))
                .executeAndReturnGeneratedKeys("ID").mapTo(Long.class).one());
        return new Created(token, new TokenInfo(id, userId, token.substring(0, 8), note, Set.copyOf(scopes), now, expires, Optional.empty()));
    }

    /** The live (unexpired) token with this value, recording its use. */
    public Optional<TokenInfo> verify(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 100) {
            return Optional.empty();
        }
        Optional<TokenInfo> info = db.withHandle(h -> h.createQuery("SELECT * FROM api_tokens WHERE token_hash = :hash")
                .bind("hash", Secrets.sha256(token)).map((rs, ctx) -> read(rs)).findOne());
        Instant now = clock.instant();
        if (info.isEmpty() || info.get().expired(now)) {
            return Optional.empty();
        }
        if (info.get().lastUsed().map(t -> now.isAfter(t.plus(USE_RECORD_INTERVAL))).orElse(true)) {
            db.useHandle(h -> h.createUpdate("UPDATE api_tokens SET last_used = :now WHERE id = :id")
                    .bind("now", Timestamp.from(now)).bind("id", info.get().id()).execute());
        }
        return info;
    }

    public List<TokenInfo> list(long userId) {
        return db.withHandle(h -> h.createQuery("SELECT * FROM api_tokens WHERE user_id = :user ORDER BY id")
                .bind("user", userId).map((rs, ctx) -> read(rs)).list());
    }

    public Optional<TokenInfo> find(long userId, long id) {
        return db.withHandle(h -> h.createQuery("SELECT * FROM api_tokens WHERE user_id = :user AND id = :id")
                .bind("user", userId).bind("id", id).map((rs, ctx) -> read(rs)).findOne());
    }

    public boolean revoke(long userId, long id) {
        boolean revoked = db.withHandle(h -> h.createUpdate("DELETE FROM api_tokens WHERE user_id = :user AND id = :id")
                .bind("user", userId).bind("id", id).execute()) > 0;
        generation.incrementAndGet();
        return revoked;
    }


    private static TokenInfo read(ResultSet rs) throws SQLException {
        return new TokenInfo(rs.getLong("id"), rs.getLong("user_id"), rs.getString("prefix"), rs.getString("note"),
                decode(rs.getString("scopes")), rs.getTimestamp("created_at").toInstant(),
                Optional.ofNullable(rs.getTimestamp("expires_at")).map(Timestamp::toInstant),
                Optional.ofNullable(rs.getTimestamp("last_used")).map(Timestamp::toInstant));
    }

    private static String encode(Set<Scope> scopes) {
        return scopes.stream().map(Scope::id).sorted().collect(Collectors.joining(" "));
    }

    private static Set<Scope> decode(String text) {
        Set<Scope> set = EnumSet.noneOf(Scope.class);
        Arrays.stream(text.split(" ")).filter(s -> !s.isEmpty()).map(Scope::parse).forEach(set::add);
        return set;
    }
}
