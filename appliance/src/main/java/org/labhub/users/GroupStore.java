package org.labhub.users;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Groups and their members in the catalog. */
public final class GroupStore {
    private final Jdbi db;

    /** Moves on whenever a group is deleted or its members change: caches of who reaches what (shares) key on it. */
    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

    public GroupStore(Jdbi db) {
        this.db = db;
    }

    public long generation() {
        return generation.get();
    }

    public List<Group> list() {
        return db.withHandle(h -> h.createQuery("SELECT id, name, description, created_at FROM user_groups ORDER BY name")
                .map((rs, ctx) -> new Group(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                        members(h, rs.getLong(1))))
                .list());
    }

    public Optional<Group> byName(String name) {
        return db.withHandle(h -> h.createQuery("SELECT id, name, description, created_at FROM user_groups WHERE name = :name")
                .bind("name", name)
                .map((rs, ctx) -> new Group(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant(),
                        members(h, rs.getLong(1))))
                .findOne());
    }

    public Group create(String name, String description, Instant now) {
        db.useHandle(h -> h.createUpdate("INSERT INTO user_groups (name, description, created_at) VALUES (:name, :d, :now)")
                .bind("name", name).bind("d", description).bind("now", Timestamp.from(now)).execute());
        return byName(name).orElseThrow();
    }

    public boolean delete(String name) {
        boolean deleted = db.withHandle(h -> h.createUpdate("DELETE FROM user_groups WHERE name = :name").bind("name", name).execute()) > 0;
        generation.incrementAndGet();
        return deleted;
    }

    /** Adds the users to the group; ones already in it are left as they are. */
    public void addMembers(long groupId, List<Long> userIds) {
        db.useTransaction(h -> {
            for (long u : userIds) {
                int present = h.createQuery("SELECT COUNT(*) FROM memberships WHERE group_id = :g AND user_id = :u")
                        .bind("g", groupId).bind("u", u).mapTo(Integer.class).one();
                if (present == 0) {
                    h.createUpdate("INSERT INTO memberships (group_id, user_id) VALUES (:g, :u)").bind("g", groupId).bind("u", u).execute();
                }
            }
        });
        generation.incrementAndGet();
    }

    public void removeMembers(long groupId, List<Long> userIds) {
        db.useTransaction(h -> {
            for (long u : userIds) {
                h.createUpdate("DELETE FROM memberships WHERE group_id = :g AND user_id = :u").bind("g", groupId).bind("u", u).execute();
            }
        });
        generation.incrementAndGet();
    }

    public List<String> groupsOf(long userId) {
        return db.withHandle(h -> h.createQuery("SELECT g.name FROM user_groups g JOIN memberships m ON m.group_id = g.id "
                        + "WHERE m.user_id = :u ORDER BY g.name")
                .bind("u", userId).mapTo(String.class).list());
    }

    private static List<String> members(Handle h, long groupId) {
        return h.createQuery("SELECT u.name FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.group_id = :g ORDER BY u.name")
                .bind("g", groupId).mapTo(String.class).list();
    }
}
