package org.labhub.environments;

import java.sql.Clob;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Environments in the catalog. */
public final class EnvironmentStore {
    private static final String COLUMNS = "id, name, display_name, description, image, image_id, image_digest, source, enabled, "
            + "network, language, packages, created_at, updated_at";

    private final Jdbi db;

    public EnvironmentStore(Jdbi db) {
        this.db = db;
    }

    public List<Environment> list() {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM environments ORDER BY name")
                .map((rs, ctx) -> read(rs)).list());
    }

    public Optional<Environment> byName(String name) {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM environments WHERE name = :name")
                .bind("name", name).map((rs, ctx) -> read(rs)).findOne());
    }

    /** What an environment is made of; the catalog adds id, enabled, network and times. */
    public record Image(String name, String displayName, String description, String image, String imageId, String imageDigest,
                        Environment.Source source, String language, List<String> packages) {}

    /** Adds a new environment (enabled, no network). */
    public Environment insert(Image i, Instant now) {
        db.useHandle(h -> h.createUpdate("INSERT INTO environments (name, display_name, description, image, image_id, image_digest, "
                        + "source, enabled, network, language, packages, package_count, created_at, updated_at) VALUES (:name, :display, "
                        + ":description, :image, :imageId, :digest, :source, TRUE, 'none', :language, :packages, :count, :now, :now)")
                .bind("name", i.name()).bind("display", i.displayName()).bind("description", i.description())
                .bind("image", i.image()).bind("imageId", i.imageId()).bind("digest", i.imageDigest())
                .bind("source", i.source().name().toLowerCase(Locale.ROOT)).bind("language", i.language())
                .bind("packages", String.join("\n", i.packages())).bind("count", i.packages().size())
                .bind("now", Timestamp.from(now)).execute());
        return byName(i.name()).orElseThrow();
    }

    /** Points an environment at a newer image (a rebuilt recipe); enabled and network stay as the admin set them. */
    public void replaceImage(String name, Image i, Instant now) {
        db.useHandle(h -> h.createUpdate("UPDATE environments SET display_name = :display, description = :description, image = :image, "
                        + "image_id = :imageId, image_digest = :digest, language = :language, packages = :packages, "
                        + "package_count = :count, updated_at = :now WHERE name = :name")
                .bind("name", name).bind("display", i.displayName()).bind("description", i.description())
                .bind("image", i.image()).bind("imageId", i.imageId()).bind("digest", i.imageDigest())
                .bind("language", i.language()).bind("packages", String.join("\n", i.packages()))
                .bind("count", i.packages().size()).bind("now", Timestamp.from(now)).execute());
    }

    public void setEnabled(String name, boolean enabled, Instant now) {
        update(name, "enabled", enabled, now);
    }

    public void setNetwork(String name, String network, Instant now) {
        update(name, "network", network, now);
    }

    public void setDisplay(String name, String displayName, String description, Instant now) {
        db.useHandle(h -> h.createUpdate("UPDATE environments SET display_name = :d, description = :desc, updated_at = :now WHERE name = :name")
                .bind("name", name).bind("d", displayName).bind("desc", description).bind("now", Timestamp.from(now)).execute());
    }

    public boolean delete(String name) {
        return db.withHandle(h -> h.createUpdate("DELETE FROM environments WHERE name = :name").bind("name", name).execute()) > 0;
    }

    /** Servers made from this environment that are not stopped (starting, running or stopping). */
    public int activeServers(String name) {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM servers WHERE environment = :name AND state <> 'stopped'")
                .bind("name", name).mapTo(Integer.class).one());
    }

    private void update(String name, String column, Object value, Instant now) {
        db.useHandle(h -> h.createUpdate("UPDATE environments SET " + column + " = :v, updated_at = :now WHERE name = :name")
                .bind("name", name).bind("v", value).bind("now", Timestamp.from(now)).execute());
    }

    private static Environment read(ResultSet rs) throws SQLException {
        Clob clob = rs.getClob("packages");
        String packages = clob == null ? "" : clob.getSubString(1, (int) clob.length());
        return new Environment(rs.getLong("id"), rs.getString("name"), rs.getString("display_name"), rs.getString("description"),
                rs.getString("image"), rs.getString("image_id"), rs.getString("image_digest"),
                Environment.Source.valueOf(rs.getString("source").toUpperCase(Locale.ROOT)), rs.getBoolean("enabled"),
                rs.getString("network"), rs.getString("language"),
                packages.isEmpty() ? List.of() : Arrays.asList(packages.split("\n")),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
