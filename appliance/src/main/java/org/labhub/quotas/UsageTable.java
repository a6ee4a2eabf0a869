package org.labhub.quotas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.labhub.config.ByteSize;
import org.labhub.files.Sizes;
import org.labhub.storage.FileStore;
import org.labhub.storage.Usage;
import org.labhub.users.User;
import org.labhub.users.UserStore;

/**
 * Every user's storage against their quota, for the admin's table and {@code GET /api/admin/usage}. Usage comes from
 * the file layer's cache (each home is walked at most once a minute), so the table for a few hundred users costs
 * a walk only for homes not counted in the last minute.
 */
public final class UsageTable {
    private final FileStore files;
    private final Quotas quotas;
    private final UserStore users;

    public UsageTable(FileStore files, Quotas quotas, UserStore users) {
        this.files = files;
        this.quotas = quotas;
        this.users = users;
    }

    /** One user's line. {@code percent} is of the quota (may pass 100), 0 without a limit. */
    public record Row(String name, long homeBytes, long trashBytes, Quotas.Limit limit) {
        public long usedBytes() { return homeBytes + trashBytes; }
        public boolean over() { return !limit.unlimited() && usedBytes() > limit.bytes(); }

        public long percent() {
            return limit.unlimited() ? 0 : Math.round(100.0 * usedBytes() / limit.bytes());
        }

        /** Width of the bar, capped at the full bar. */
        public long barPercent() { return Math.min(100, percent()); }
        public String used() { return Sizes.human(usedBytes()); }
        public String quota() { return limit.unlimited() ? "no limit" : Sizes.human(limit.bytes()); }
        public String source() { return limit.source().id(); }

        /** The quota as the edit form shows it: a number and a unit. */
        public String formAmount() { return limit.unlimited() ? "" : ByteSize.format(limit.bytes()).replaceAll("[A-Z]$", ""); }
        public String formUnit() {
            String f = limit.unlimited() ? "G" : ByteSize.format(limit.bytes());
            char u = f.charAt(f.length() - 1);
            return Character.isDigit(u) ? "B" : String.valueOf(u);
        }

        /** As {@code GET /api/users/{name}/usage} and {@code /api/admin/usage} answer it. */
        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("home_bytes", homeBytes);
            m.put("trash_bytes", trashBytes);
            m.put("used_bytes", usedBytes());
            m.put("limit_bytes", limit.unlimited() ? 0 : limit.bytes());
            m.put("quota", limit.unlimited() ? "none" : ByteSize.format(limit.bytes()));
            m.put("quota_source", limit.source().id());
            m.put("over_quota", over());
            return m;
        }
    }

    public enum Order {
        USED, NAME, PERCENT;

        Comparator<Row> comparator() {
            return switch (this) {
                case USED -> Comparator.comparingLong(Row::usedBytes).reversed().thenComparing(Row::name);
                case NAME -> Comparator.comparing(Row::name);
                case PERCENT -> Comparator.comparingDouble((Row r) -> r.limit().unlimited() ? -1 : (double) r.usedBytes() / r.limit().bytes())
                        .reversed().thenComparing(Row::name);
            };
        }
    }

    public Row of(String name) {
        Usage u;
        try {
            u = files.usage(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Row(name, u.homeBytes(), u.trashBytes(), quotas.limitOf(name));
    }

    public List<Row> all(Order order) {
        List<Row> rows = new ArrayList<>();
        for (User u : users.list()) {
            rows.add(of(u.name()));
        }
        rows.sort(order.comparator());
        return rows;
    }
}
