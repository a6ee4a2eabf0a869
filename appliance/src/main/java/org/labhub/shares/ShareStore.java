package org.labhub.shares;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.labhub.files.Permission;
import org.labhub.storage.RelPath;

/** Shares and links in the catalog, with the names of the people and groups they join. */
public final class ShareStore {
    private static final String SELECT = "SELECT s.*, o.name AS owner_name, c.name AS creator_name, u.name AS user_name, "
            + "g.name AS group_name FROM shares s JOIN users o ON o.id = s.owner_id JOIN users c ON c.id = s.created_by "
            + "LEFT JOIN users u ON u.id = s.recipient_user_id LEFT JOIN user_groups g ON g.id = s.recipient_group_id";

    private final Jdbi db;
    /** Moves on after every change to shares: the lookup cache in {@link Shares} keys on it. */
    private final AtomicLong generation = new AtomicLong();

    public ShareStore(Jdbi db) {
        this.db = db;
    }

    public long generation() {
        return generation.get();
    }

    /** What a new share holds; ids are the catalog's. {@code recipientId} is a user or group id, or 0 for a link. */
    public record NewShare(long ownerId, RelPath path, Share.Kind kind, long recipientId, Set<Permission> permissions,
                           long createdBy, Optional<Long> parent, String name, Instant createdAt, Optional<Instant> expiresAt,
                           Optional<String> tokenHash, Optional<String> passwordHash, String label) {}

    public long insert(NewShare s) {
        long id = db.withHandle(h -> h.createUpdate("INSERT INTO shares (owner_id, path, kind, recipient_user_id, recipient_group_id, "
                        + "permissions, created_by, parent_id, name, created_at, expires_at, token_hash, password_hash, label) VALUES "
                        + "(:owner, :path, :kind, :ru, :rg, :perms, :by, :parent, :name, :now, :expires, :token, :password, :label)")
                .bind("owner", s.ownerId()).bind("path", s.path().toString()).bind("kind", s.kind().id())
                .bind("ru", s.kind() == Share.Kind.USER ? s.recipientId() : null)
                .bind("rg", s.kind() == Share.Kind.GROUP ? s.recipientId() : null)
                .bind("perms", Share.bits(s.permissions())).bind("by", s.createdBy()).bind("parent", s.parent().orElse(null))
                .bind("name", s.name()).bind("now", Timestamp.from(s.createdAt()))
                .bind("expires", s.expiresAt().map(Timestamp::from).orElse(null))
                .bind("token", s.tokenHash().orElse(null)).bind("password", s.passwordHash().orElse(null)).bind("label", s.label())
                .executeAndReturnGeneratedKeys("ID").mapTo(Long.class).one());
        generation.incrementAndGet();
        return id;
    }

    public Optional<Share> byId(long id) {
        return db.withHandle(h -> h.createQuery(SELECT + " WHERE s.id = :id").bind("id", id).map((rs, ctx) -> read(rs)).findOne());
    }

    public Optional<Share> byTokenHash(String hash) {
        return db.withHandle(h -> h.createQuery(SELECT + " WHERE s.token_hash = :hash").bind("hash", hash)
                .map((rs, ctx) -> read(rs)).findOne());
    }

    /** Shares of items in the user's home, and shares the user made (reshares of others' items), oldest first. */
    public List<Share> outgoing(String user) {
        return db.withHandle(h -> h.createQuery(SELECT + " WHERE o.name = :u OR c.name = :u ORDER BY s.id")
                .bind("u", user).map((rs, ctx) -> read(rs)).list());
    }

    /** Every share of items in the owner's home (for moves and deletes). */
    public List<Share> ofOwner(String owner) {
        return db.withHandle(h -> h.createQuery(SELECT + " WHERE o.name = :u ORDER BY s.id")
                .bind("u", owner).map((rs, ctx) -> read(rs)).list());
    }

    /** Every share to a user or a group (not links): what the lookup cache holds. */
    public List<Share> allPersonal() {
        return db.withHandle(h -> h.createQuery(SELECT + " WHERE s.kind <> 'link' ORDER BY s.id").map((rs, ctx) -> read(rs)).list());
    }

    /** The members of every group, by group id. */
    public Map<Long, Set<String>> members() {
        Map<Long, Set<String>> members = new HashMap<>();
        db.useHandle(h -> h.createQuery("SELECT m.group_id, u.name FROM memberships m JOIN users u ON u.id = m.user_id")
                .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getString(2)))
                .forEach(e -> members.computeIfAbsent(e.getKey(), k -> new HashSet<>()).add(e.getValue())));
        return members;
    }

    /** The reshares made directly from this share. */
    public List<Share> childrenOf(long id) {
        return db.withHandle(h -> h.createQuery(SELECT + " WHERE s.parent_id = :id ORDER BY s.id").bind("id", id)
                .map((rs, ctx) -> read(rs)).list());
    }

    public void setPermissions(long id, Set<Permission> permissions) {
        update("UPDATE shares SET permissions = :v WHERE id = :id", id, Share.bits(permissions));
    }

    public void setExpiry(long id, Optional<Instant> expiresAt) {
        update("UPDATE shares SET expires_at = :v WHERE id = :id", id, expiresAt.map(Timestamp::from).orElse(null));
    }

    public void setPasswordHash(long id, Optional<String> hash) {
        update("UPDATE shares SET password_hash = :v WHERE id = :id", id, hash.orElse(null));
    }

    public void setPath(long id, RelPath path) {
        update("UPDATE shares SET path = :v WHERE id = :id", id, path.toString());
    }

    /** Removes the share and, through the catalog's cascade, every reshare made from it. */
    public boolean delete(long id) {
        boolean deleted = db.withHandle(h -> h.createUpdate("DELETE FROM shares WHERE id = :id").bind("id", id).execute()) > 0;
        generation.incrementAndGet();
        return deleted;
    }

    private void update(String sql, long id, Object value) {
        db.useHandle(h -> {
            var u = h.createUpdate(sql).bind("id", id);
            if (value == null) {
                u.bindNull("v", sql.contains("expires_at") ? java.sql.Types.TIMESTAMP : java.sql.Types.VARCHAR);
            } else {
                u.bind("v", value);
            }
            u.execute();
        });
        generation.incrementAndGet();
    }

    private static Share read(ResultSet rs) throws SQLException {
        Share.Kind kind = Share.Kind.valueOf(rs.getString("kind").toUpperCase(Locale.ROOT));
        Optional<String> recipient = switch (kind) {
            case USER -> Optional.of(rs.getString("user_name"));
            case GROUP -> Optional.of(rs.getString("group_name"));
            case LINK -> Optional.empty();
        };
        long parent = rs.getLong("parent_id");
        Optional<Long> parentId = rs.wasNull() ? Optional.empty() : Optional.of(parent);
        return new Share(rs.getLong("id"), rs.getString("owner_name"), RelPath.parse(rs.getString("path")), kind, recipient,
                rs.getLong("recipient_group_id"), Share.permissions(rs.getInt("permissions")), rs.getString("creator_name"),
                parentId, rs.getString("name"), rs.getTimestamp("created_at").toInstant(),
                Optional.ofNullable(rs.getTimestamp("expires_at")).map(Timestamp::toInstant),
                Optional.ofNullable(rs.getString("password_hash")), rs.getString("label"));
    }
}
