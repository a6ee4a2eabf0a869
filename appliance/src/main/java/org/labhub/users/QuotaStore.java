package org.labhub.users;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Per-user quotas an admin has set; a user without one gets the configured default (applied by the file layer). */
public final class QuotaStore {
    private final Jdbi db;

    public QuotaStore(Jdbi db) {
        this.db = db;
    }

    /** The admin's override for this user, in bytes, or empty for the default. */
    public Optional<Long> quotaOverride(long userId) {
        return db.withHandle(h -> h.createQuery("SELECT bytes FROM user_quotas WHERE user_id = :u")
                .bind("u", userId).mapTo(Long.class).findOne());
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
    }
}
