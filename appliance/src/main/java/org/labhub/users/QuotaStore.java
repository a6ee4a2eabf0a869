package org.labhub.users;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;

/** Per-user quotas an admin has set; a user without one gets the configured default (applied by the file layer). */
public final class QuotaStore {
    private final Jdbi db;
    /** Moved after every write commits, so that a cached quota from before it is never used again. */
    private final AtomicLong generation = new AtomicLong();

    public QuotaStore(Jdbi db) {
        this.db = db;
    }

    public long generation() {
        return generation.get();
    }

    /** The admin's override for this user, in bytes, or empty for the default. */
    public Optional<Long> quotaOverride(long userId) {
        return db.withHandle(h -> h.createQuery("SELECT bytes FROM user_quotas WHERE user_id = :u")
                .bind("u", userId).mapTo(Long.class).findOne());
    }

    /** Every override, by user name: one query, for the quota cache and the admin's usage table. */
    public Map<String, Long> overridesByName() {
        Map<String, Long> all = new HashMap<>();
        db.useHandle(h -> h.createQuery("SELECT u.name, q.bytes FROM user_quotas q JOIN users u ON u.id = q.user_id")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2))).forEach(e -> all.put(e.getKey(), e.getValue())));
        return all;
    }

    /** Sets the override (bytes ≥ 0), or removes it with an empty value. */
    public void setQuota(long userId, Optional<Long> bytes) {
        if (bytes.isPresent() && bytes.get() < 0) {
            throw new IllegalArgumentException("a quota cannot be negative");
        }
        db.useTransaction(h -> {
            h.createUpdate("DELETE FROM user_quotas WHERE user_id = :u").bind("u", userId).execute();
            bytes.ifPresent(b -> h.createUpdate("INSERT INTO user_quotas (user_id, bytes) VALUES (:u, :b)")
                    .bind("u", userId).bind("b", b).execute());
        });
        generation.incrementAndGet();
    }
}
