package org.labhub.catalog;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Derby catalog: the truth for metadata. Opening it runs the versioned schema migrations
 * (Flyway, scripts in {@code db/migration}); closing it shuts Derby down cleanly.
 */
public final class Catalog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Catalog.class);

    private final Path dbDir;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private Catalog(Path dbDir, HikariDataSource dataSource) {
        this.dbDir = dbDir;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** Opens (creating if needed) the catalog in {@code dbDir} and migrates it to the newest schema. */
    public static Catalog open(Path dbDir) {
        System.setProperty("derby.stream.error.file", dbDir.resolveSibling("derby.log").toString());
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl("jdbc:derby:" + dbDir + ";create=true");
        hc.setMaximumPoolSize(16);
        hc.setMinimumIdle(2);
        hc.setPoolName("catalog");
        hc.setAutoCommit(true);
        HikariDataSource ds = new HikariDataSource(hc);
        try {
            var result = Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            String schema = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
            log.atInfo().addKeyValue("schema", schema)
                    .addKeyValue("applied", result.migrationsExecuted).log("catalog ready");
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Catalog(dbDir, ds);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    /** True when a trivial query answers: used by the health check. */
    public boolean isReachable() {
        try {
            return jdbi.withHandle(h -> h.createQuery("VALUES 1").mapTo(Integer.class).one()) == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Online backup: Derby copies a consistent image of the database into {@code targetDir} while it keeps serving. */
    public void backupTo(Path targetDir) {
        jdbi.useHandle(h -> h.createCall("CALL SYSCS_UTIL.SYSCS_BACKUP_DATABASE(:dir)")
                .bind("dir", targetDir.toString()).invoke());
    }

    public Path directory() {
        return dbDir;
    }

    @Override
    public void close() {
        dataSource.close();
        try {
            DriverManager.getConnection("jdbc:derby:" + dbDir + ";shutdown=true").close();
        } catch (SQLException e) {
            // Derby reports a clean shutdown of one database as SQLState 08006.
            if (!"08006".equals(e.getSQLState())) {
                log.warn("catalog shutdown: {}", e.getMessage());
            }
        }
    }
}
