package org.labhub.datasets;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Datasets and the groups they are restricted to. */
public final class DatasetStore {
    private static final String COLUMNS = "id, name, host_path, description, restricted, created_at, updated_at";

    private final Jdbi db;

    public DatasetStore(Jdbi db) {
        this.db = db;
    }

    public List<Dataset> list() {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM datasets ORDER BY name")
                .map((rs, ctx) -> read(h, rs)).list());
    }

    public Optional<Dataset> byName(String name) {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM datasets WHERE name = :name")
                .bind("name", name).map((rs, ctx) -> read(h, rs)).findOne());
    }

    /**
     * What an admin sets; {@code groups} are names of existing groups. {@code restricted} is kept apart from the
     * groups so that a dataset whose groups were all deleted stays closed (to all but admins) through later edits.
     */
    public record Fields(String name, Path hostPath, String description, boolean restricted, List<String> groups) {}

    public Dataset insert(Fields f, Instant now) {
        db.useTransaction(h -> {
            h.createUpdate("INSERT INTO datasets (name, host_path, description, restricted, created_at, updated_at) "
                            + "VALUES (:name, :path, :description, :restricted, :now, :now)")
                    .bind("name", f.name()).bind("path", f.hostPath().toString()).bind("description", f.description())
                    .bind("restricted", f.restricted()).bind("now", Timestamp.from(now)).execute();
            setGroups(h, f.name(), f.groups());
        });
        return byName(f.name()).orElseThrow();
    }

    /** Replaces every field of the dataset called {@code f.name()}. */
    public Dataset update(Fields f, Instant now) {
        db.useTransaction(h -> {
            h.createUpdate("UPDATE datasets SET host_path = :path, description = :description, restricted = :restricted, "
                            + "updated_at = :now WHERE name = :name")
                    .bind("name", f.name()).bind("path", f.hostPath().toString()).bind("description", f.description())
                    .bind("restricted", f.restricted()).bind("now", Timestamp.from(now)).execute();
            setGroups(h, f.name(), f.groups());
        });
        return byName(f.name()).orElseThrow();
    }

    public boolean delete(String name) {
        return db.withHandle(h -> h.createUpdate("DELETE FROM datasets WHERE name = :name").bind("name", name).execute()) > 0;
    }

    private static void setGroups(Handle h, String dataset, List<String> groups) {
        long id = h.createQuery("SELECT id FROM datasets WHERE name = :name").bind("name", dataset).mapTo(Long.class).one();
        h.createUpdate("DELETE FROM dataset_groups WHERE dataset_id = :d").bind("d", id).execute();
        for (String g : groups) {
            int added = h.createUpdate("INSERT INTO dataset_groups (dataset_id, group_id) SELECT :d, id FROM user_groups WHERE name = :g")
                    .bind("d", id).bind("g", g).execute();
            if (added == 0) {
                throw new IllegalArgumentException("there is no group named \"" + g + "\"");
            }
        }
    }

    private static Dataset read(Handle h, ResultSet rs) throws SQLException {
        long id = rs.getLong("id");
        List<String> groups = h.createQuery("SELECT g.name FROM dataset_groups dg JOIN user_groups g ON g.id = dg.group_id "
                + "WHERE dg.dataset_id = :d ORDER BY g.name").bind("d", id).mapTo(String.class).list();
        return new Dataset(id, rs.getString("name"), Path.of(rs.getString("host_path")), rs.getString("description"),
                rs.getBoolean("restricted"), groups, rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant());
    }
}
