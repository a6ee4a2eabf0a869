package org.labhub.environments;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Resource profiles and the groups they are restricted to. */
public final class ProfileStore {
    private static final String COLUMNS = "id, name, display_name, cpus, memory_bytes, pids_limit, is_default, sort_order, created_at";

    private final Jdbi db;

    public ProfileStore(Jdbi db) {
        this.db = db;
    }

    public List<Profile> list() {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM profiles ORDER BY sort_order, name")
                .map((rs, ctx) -> read(h, rs)).list());
    }

    public Optional<Profile> byName(String name) {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM profiles WHERE name = :name")
                .bind("name", name).map((rs, ctx) -> read(h, rs)).findOne());
    }

    /** The fields an admin sets; {@code groups} are group names, all of which must exist. */
    public record Fields(String name, String displayName, double cpus, long memoryBytes, int pidsLimit, boolean isDefault,
                         int sortOrder, List<String> groups) {}

    /** Adds a profile; if it is the default, it becomes the only default. */
    public Profile insert(Fields f, Instant now) {
        db.useTransaction(h -> {
            if (f.isDefault()) {
                h.execute("UPDATE profiles SET is_default = FALSE");
            }
            h.createUpdate("INSERT INTO profiles (name, display_name, cpus, memory_bytes, pids_limit, is_default, sort_order, created_at) "
                            + "VALUES (:name, :display, :cpus, :memory, :pids, :isDefault, :sort, :now)")
                    .bind("name", f.name()).bind("display", f.displayName()).bind("cpus", f.cpus()).bind("memory", f.memoryBytes())
                    .bind("pids", f.pidsLimit()).bind("isDefault", f.isDefault()).bind("sort", f.sortOrder())
                    .bind("now", Timestamp.from(now)).execute();
            setGroups(h, f.name(), f.groups());
        });
        return byName(f.name()).orElseThrow();
    }

    /** Replaces every field of the profile called {@code f.name()}. */
    public Profile update(Fields f) {
        db.useTransaction(h -> {
            if (f.isDefault()) {
                h.execute("UPDATE profiles SET is_default = FALSE");
            }
            h.createUpdate("UPDATE profiles SET display_name = :display, cpus = :cpus, memory_bytes = :memory, pids_limit = :pids, "
                            + "is_default = :isDefault, sort_order = :sort WHERE name = :name")
                    .bind("name", f.name()).bind("display", f.displayName()).bind("cpus", f.cpus()).bind("memory", f.memoryBytes())
                    .bind("pids", f.pidsLimit()).bind("isDefault", f.isDefault()).bind("sort", f.sortOrder()).execute();
            setGroups(h, f.name(), f.groups());
        });
        return byName(f.name()).orElseThrow();
    }

    public boolean delete(String name) {
        return db.withHandle(h -> h.createUpdate("DELETE FROM profiles WHERE name = :name").bind("name", name).execute()) > 0;
    }

    /** Servers started with this profile that are not stopped (starting, running or stopping). */
    public int activeServers(String name) {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM servers WHERE profile = :name AND state <> 'stopped'")
                .bind("name", name).mapTo(Integer.class).one());
    }

    public int count() {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM profiles").mapTo(Integer.class).one());
    }

    private static void setGroups(Handle h, String profile, List<String> groups) {
        long id = h.createQuery("SELECT id FROM profiles WHERE name = :name").bind("name", profile).mapTo(Long.class).one();
        h.createUpdate("DELETE FROM profile_groups WHERE profile_id = :p").bind("p", id).execute();
        for (String g : groups) {
            int added = h.createUpdate("INSERT INTO profile_groups (profile_id, group_id) SELECT :p, id FROM user_groups WHERE name = :g")
                    .bind("p", id).bind("g", g).execute();
            if (added == 0) {
                throw new IllegalArgumentException("there is no group named \"" + g + "\"");
            }
        }
    }

    private static Profile read(Handle h, ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        List<String> groups = h.createQuery("SELECT g.name FROM profile_groups pg JOIN user_groups g ON g.id = pg.group_id "
                + "WHERE pg.profile_id = :p ORDER BY g.name").bind("p", id).mapTo(String.class).list();
        return new Profile(id, rs.getString("name"), rs.getString("display_name"), rs.getDouble("cpus"), rs.getLong("memory_bytes"),
                rs.getInt("pids_limit"), rs.getBoolean("is_default"), rs.getInt("sort_order"), groups,
                rs.getTimestamp("created_at").toInstant());
    }
}
