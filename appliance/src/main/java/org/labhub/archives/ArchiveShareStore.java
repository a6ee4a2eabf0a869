package org.labhub.archives;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Grants and public links of archives in the catalog ({@code archive_grants}, {@code archive_links}), with the names they join. */
public final class ArchiveShareStore {
    private static final String GRANTS = "SELECT g.id, g.archive_id, g.kind, COALESCE(u.name, ug.name) AS recipient, g.created_by, g.created_at "
            + "FROM archive_grants g LEFT JOIN users u ON u.id = g.user_id LEFT JOIN user_groups ug ON ug.id = g.group_id";
    private static final String LINKS = "SELECT id, archive_id, password_hash, label, created_by, created_at, expires_at FROM archive_links";

    private final Jdbi db;

    public ArchiveShareStore(Jdbi db) {
        this.db = db;
    }

    /** Read access to one archive for a user or a group ({@code kind} "user" or "group", {@code with} its name). */
    public record Grant(long id, String archiveId, String kind, String with, String createdBy, Instant createdAt) {}

    /** A public link; its token exists only in the answer that made it, the catalog keeps its SHA-256. */
    public record Link(long id, String archiveId, Optional<String> passwordHash, String label, String createdBy, Instant createdAt,
                       Optional<Instant> expiresAt) {
        public boolean hasPassword() {
            return passwordHash.isPresent();
        }

        public boolean expired(Instant now) {
            return expiresAt.map(e -> !now.isBefore(e)).orElse(false);
        }
    }

    public long insertGrant(String archive, String kind, long recipientId, String by, Instant now) {
        return db.withHandle(h -> h.createUpdate("INSERT INTO archive_grants (archive_id, kind, user_id, group_id, created_by, created_at) "
                        + "VALUES (:a, :kind, :u, :g, :by, :now)")
                .bind("a", archive).bind("kind", kind).bind("u", kind.equals("user") ? recipientId : null)
                .bind("g", kind.equals("group") ? recipientId : null).bind("by", by).bind("now", Timestamp.from(now))
                .executeAndReturnGeneratedKeys("ID").mapTo(Long.class).one());
    }

    public List<Grant> grants(String archive) {
        return db.withHandle(h -> h.createQuery(GRANTS + " WHERE g.archive_id = :a ORDER BY g.id").bind("a", archive)
                .map((rs, ctx) -> grant(rs)).list());
    }

    public Optional<Grant> grant(String archive, long id) {
        return db.withHandle(h -> h.createQuery(GRANTS + " WHERE g.archive_id = :a AND g.id = :id").bind("a", archive).bind("id", id)
                .map((rs, ctx) -> grant(rs)).findOne());
    }

    public boolean deleteGrant(String archive, long id) {
        return db.withHandle(h -> h.createUpdate("DELETE FROM archive_grants WHERE archive_id = :a AND id = :id")
                .bind("a", archive).bind("id", id).execute()) > 0;
    }

    /** Whether a grant reaches the user, directly or through a group they are a member of now. */
    public boolean reaches(String archive, long userId) {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM archive_grants WHERE archive_id = :a AND (user_id = :u "
                        + "OR group_id IN (SELECT group_id FROM memberships WHERE user_id = :u))")
                .bind("a", archive).bind("u", userId).mapTo(Integer.class).one()) > 0;
    }

    public long insertLink(String archive, String tokenHash, Optional<String> passwordHash, String label, String by, Instant now,
                           Optional<Instant> expires) {
        return db.withHandle(h -> h.createUpdate("INSERT INTO archive_links (archive_id, token_hash, password_hash, label, created_by, "
                        + "created_at, expires_at) VALUES (:a, :t, :p, :label, :by, :now, :expires)")
                .bind("a", archive).bind("t", tokenHash).bind("p", passwordHash.orElse(null)).bind("label", label).bind("by", by)
                .bind("now", Timestamp.from(now)).bind("expires", expires.map(Timestamp::from).orElse(null))
                .executeAndReturnGeneratedKeys("ID").mapTo(Long.class).one());
    }

    public List<Link> links(String archive) {
        return db.withHandle(h -> h.createQuery(LINKS + " WHERE archive_id = :a ORDER BY id").bind("a", archive).map((rs, ctx) -> link(rs)).list());
    }

    public Optional<Link> link(String archive, long id) {
        return db.withHandle(h -> h.createQuery(LINKS + " WHERE archive_id = :a AND id = :id").bind("a", archive).bind("id", id)
                .map((rs, ctx) -> link(rs)).findOne());
    }

    public Optional<Link> linkByTokenHash(String tokenHash) {
        return db.withHandle(h -> h.createQuery(LINKS + " WHERE token_hash = :t").bind("t", tokenHash).map((rs, ctx) -> link(rs)).findOne());
    }

    public boolean deleteLink(String archive, long id) {
        return db.withHandle(h -> h.createUpdate("DELETE FROM archive_links WHERE archive_id = :a AND id = :id")
                .bind("a", archive).bind("id", id).execute()) > 0;
    }

    private static Grant grant(ResultSet rs) throws SQLException {
        return new Grant(rs.getLong("id"), rs.getString("archive_id"), rs.getString("kind"), rs.getString("recipient"),
                rs.getString("created_by"), rs.getTimestamp("created_at").toInstant());
    }

    private static Link link(ResultSet rs) throws SQLException {
        return new Link(rs.getLong("id"), rs.getString("archive_id"), Optional.ofNullable(rs.getString("password_hash")), rs.getString("label"),
                rs.getString("created_by"), rs.getTimestamp("created_at").toInstant(),
                Optional.ofNullable(rs.getTimestamp("expires_at")).map(Timestamp::toInstant));
    }
}
