package org.labhub.catalog;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * Run in a forked JVM by {@link CrashSafetyTest}: commits group {@code a-N}, then inserts {@code b-N} in a transaction
 * it never commits, checkpoints so the uncommitted row reaches the data files too, prints READY and waits to be killed.
 */
public final class CrashVictim {
    private CrashVictim() {}

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        int round = Integer.parseInt(args[1]);
        Catalog catalog = Catalog.open(db);
        try (Handle committed = catalog.jdbi().open()) {
            insertGroup(committed, "a-" + round);
        }
        Handle open = catalog.jdbi().open();
        open.begin();
        insertGroup(open, "b-" + round);
        // A checkpoint writes dirty pages, the uncommitted row included: recovery must undo it, not just forget it.
        try (Handle other = catalog.jdbi().open()) {
            other.execute("CALL SYSCS_UTIL.SYSCS_CHECKPOINT_DATABASE()");
        }
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // the test ends this process with SIGKILL
    }

    private static void insertGroup(Handle h, String name) {
        h.execute("INSERT INTO user_groups (name, description, created_at) VALUES (?, ?, ?)",
                name, "crash-safety round", Timestamp.from(Instant.now()));
    }
}
