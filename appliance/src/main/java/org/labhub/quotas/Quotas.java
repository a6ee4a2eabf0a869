package org.labhub.quotas;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.labhub.audit.AuditLog;
import org.labhub.config.ByteSize;
import org.labhub.users.QuotaStore;
import org.labhub.users.User;
import org.labhub.users.UserStore;
import org.labhub.web.HttpError;

/**
 * Each user's quota: the configured default, or the override an admin set. Every write through the hub asks (WebDAV
 * PUTs, uploads, copies), so the answer comes from a snapshot of all overrides, read again only when an override or an
 * account changes (both stores move a generation counter after they commit; a snapshot from an older generation is
 * never used). A change therefore applies on the very next request.
 */
public final class Quotas {
    /** Below this a home cannot hold a notebook; 0 would also read as "no limit" in the file layer. */
    public static final long MIN_BYTES = 1L << 20;
    /** Far above any disk such a hub has; a typo ("20000t") is refused instead of silently meaning "no limit". */
    public static final long MAX_BYTES = 1L << 50;

    /** Where a user's quota comes from. */
    public enum Source {
        DEFAULT, OVERRIDE;

        public String id() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    /** A user's quota in bytes (0: no limit) and whether an admin set it. */
    public record Limit(long bytes, Source source) {
        public boolean unlimited() { return bytes <= 0; }
    }

    private record Snapshot(long generation, Map<String, Long> overrides) {}

    private final QuotaStore store;
    private final UserStore users;
    private final AuditLog audit;
    private final long defaultBytes;
    private final AtomicLong loads = new AtomicLong();
    private volatile Snapshot snapshot;

    public Quotas(QuotaStore store, UserStore users, AuditLog audit, long defaultBytes) {
        this.store = store;
        this.users = users;
        this.audit = audit;
        this.defaultBytes = defaultBytes;
    }

    /** The quota function the file layer calls on every write: bytes, 0 for no limit. */
    public long bytesOf(String owner) {
        return limitOf(owner).bytes();
    }

    public Limit limitOf(String owner) {
        Long override = current().overrides().get(owner);
        return override == null ? new Limit(defaultBytes, Source.DEFAULT) : new Limit(override, Source.OVERRIDE);
    }

    public long defaultBytes() {
        return defaultBytes;
    }

    /** How many times the overrides were read from the catalog (tests check that writes do not read it each time). */
    public long catalogReads() {
        return loads.get();
    }

    /** Who acts, for the audit log. */
    public record Actor(String name, String address) {}

    public Limit set(Actor actor, User user, long bytes) {
        check(bytes);
        Limit before = limitOf(user.name());
        store.setQuota(user.id(), Optional.of(bytes));
        audit.record(actor.name(), "quota.set", user.name(), AuditLog.Outcome.OK, actor.address(),
                "quota " + describe(before) + " -> " + ByteSize.format(bytes));
        return limitOf(user.name());
    }

    public Limit reset(Actor actor, User user) {
        Limit before = limitOf(user.name());
        store.setQuota(user.id(), Optional.empty());
        audit.record(actor.name(), "quota.reset", user.name(), AuditLog.Outcome.OK, actor.address(),
                "quota " + describe(before) + " -> default " + (defaultBytes <= 0 ? "none" : ByteSize.format(defaultBytes)));
        return limitOf(user.name());
    }

    /** Reads a quota as an admin writes it: "20g", "512M", "1.5T", or a number of bytes. 400 with the reason otherwise. */
    public static long parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.startsWith("-")) {
            throw HttpError.badRequest("a quota cannot be negative");
        }
        long bytes;
        try {
            bytes = ByteSize.parse(t);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("\"quota\": " + e.getMessage() + "; units are K, M, G, T, P (powers of 1024)");
        }
        check(bytes);
        return bytes;
    }

    static void check(long bytes) {
        if (bytes < 0) {
            throw HttpError.badRequest("a quota cannot be negative");
        }
        if (bytes < MIN_BYTES) {
            throw HttpError.badRequest("a quota must be at least 1M (1 MiB); to go back to the default, reset it instead");
        }
        if (bytes > MAX_BYTES) {
            throw HttpError.badRequest("a quota may be at most 1P (1 PiB)");
        }
    }

    private static String describe(Limit l) {
        String size = l.unlimited() ? "none" : ByteSize.format(l.bytes());
        return l.source() == Source.DEFAULT ? "default " + size : size;
    }

    private Snapshot current() {
        // Read before the catalog: a change committed meanwhile moves it again, and the next call reloads.
        long generation = store.generation() + users.generation();
        Snapshot s = snapshot;
        if (s != null && s.generation() == generation) {
            return s;
        }
        loads.incrementAndGet();
        s = new Snapshot(generation, Map.copyOf(store.overridesByName()));
        snapshot = s;
        return s;
    }
}
