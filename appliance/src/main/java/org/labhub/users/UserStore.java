package org.labhub.users;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Accounts in the catalog. The password hash is read and written here only. */
public final class UserStore {
    private static final String COLUMNS = "id, name, is_admin, state, expires_at, created_at, last_login";

    private final Jdbi db;

    /** Moves on whenever an account's password, role or state changes or it is deleted: credential caches key on it. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    public long generation() {
        return generation.get();
    }

    public UserStore(Jdbi db) {
        this.db = db;
    }

    public Optional<User> byName(String name) {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE name = :name")
                .bind("name", name).map((rs, ctx) -> read(rs)).findOne());
    }

    /** Ids of existing accounts by name, valid for {@link #idsGeneration}: see {@link #idOf}. */
    private final java.util.concurrent.ConcurrentMap<String, Long> ids = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long idsGeneration = -1;

    /**
     * The id of the account {@code name}, remembered: the store asks it for every file it writes into a home (whose
     * uid owns it), and a catalog query cost about a sixth of a small WebDAV upload. A name keeps its id for the
     * account's life; any change to an account (deletion included) moves the generation and forgets them all, and
     * only existing accounts are remembered, so an account created later is found at once.
     */
    public java.util.OptionalLong idOf(String name) {
        long g = generation.get();
        if (g != idsGeneration) {
            ids.clear();
            idsGeneration = g;
        }
        Long id = ids.get(name);
        if (id != null) {
            return java.util.OptionalLong.of(id);
        }
        Optional<User> u = byName(name);
        if (u.isEmpty()) {
            return java.util.OptionalLong.empty();
        }
        if (generation.get() == g) {
            ids.put(name, u.get().id());
        }
        return java.util.OptionalLong.of(u.get().id());
    }

    public Optional<User> byId(long id) {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id")
                .bind("id", id).map((rs, ctx) -> read(rs)).findOne());
    }

    public List<User> list() {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users ORDER BY name")
                .map((rs, ctx) -> read(rs)).list());
    }

    public int count() {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM users").mapTo(Integer.class).one());
    }

    public User create(String name, String passwordHash, boolean admin, User.State state, Optional<Instant> expiresAt,
                       Instant now) {
        long id = db.withHandle(h -> h.createUpdate("INSERT INTO users (name, password_hash, is_admin, state, expires_at, created_at) "
                        + "VALUES (:name, :hash, :admin, :state, :expires, :now)")
                .bind("name", name).bind("hash", passwordHash).bind("admin", admin)
                .bind("state", state.name().toLowerCase(Locale.ROOT))
                .bind("expires", expiresAt.map(Timestamp::from).orElse(null)).bind("now", Timestamp.from(now))
                .executeAndReturnGeneratedKeys("ID").mapTo(Long.class).one());
        return byId(id).orElseThrow();
    }

    /** The stored hash, or empty for an unknown name or an account without a password. */
    public Optional<String> passwordHash(String name) {
        return db.withHandle(h -> h.createQuery("SELECT password_hash FROM users WHERE name = :name")
                .bind("name", name).mapTo(String.class).findOne());
    }

    public void setPasswordHash(long id, String hash) {
        update("UPDATE users SET password_hash = :v WHERE id = :id", id, hash);
    }

    public void setAdmin(long id, boolean admin) {
        update("UPDATE users SET is_admin = :v WHERE id = :id", id, admin);
    }

    public void setState(long id, User.State state) {
        update("UPDATE users SET state = :v WHERE id = :id", id, state.name().toLowerCase(Locale.ROOT));
    }

    public void recordLogin(long id, Instant at) {
        update("UPDATE users SET last_login = :v WHERE id = :id", id, Timestamp.from(at));
    }

    public boolean delete(long id) {
        boolean deleted = db.withHandle(h -> h.createUpdate("DELETE FROM users WHERE id = :id").bind("id", id).execute()) > 0;
        generation.incrementAndGet();
        return deleted;
    }

    private void update(String sql, long id, Object value) {
        db.useHandle(h -> h.createUpdate(sql).bind("id", id).bind("v", value).execute());
        generation.incrementAndGet();
    }

    static User read(ResultSet rs) throws SQLException {
        return new User(rs.getLong("id"), rs.getString("name"), rs.getBoolean("is_admin"),
                User.State.valueOf(rs.getString("state").toUpperCase(Locale.ROOT)),
                Optional.ofNullable(rs.getTimestamp("expires_at")).map(Timestamp::toInstant),
                rs.getTimestamp("created_at").toInstant(),
                Optional.ofNullable(rs.getTimestamp("last_login")).map(Timestamp::toInstant));
    }
}
