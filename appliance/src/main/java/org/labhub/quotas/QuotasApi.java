package org.labhub.quotas;

import tools.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.labhub.auth.Scope;
import org.labhub.users.User;
import org.labhub.users.UserStore;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Routes;

/** Quotas and usage in the API: a user's usage, every user's usage (admin), and setting or resetting a quota (admin). */
public final class QuotasApi implements Routes.Provider {
    private final Quotas quotas;
    private final UsageTable usage;
    private final UserStore users;

    public QuotasApi(Quotas quotas, UsageTable usage, UserStore users) {
        this.quotas = quotas;
        this.usage = usage;
        this.users = users;
    }

    @Override
    public void register(Routes r) {
        r.get("/api/users/{name}/usage", Access.selfOrAdmin(Scope.READ), this::get,
                 "A user's storage: bytes in the home and the trash, the quota (limit_bytes, 0 = none) and where it comes from")
         .add("PUT", "/api/users/{name}/quota", Access.admin(Scope.ADMIN), this::set,
                 "Set a user's quota: {\"quota\":\"20G\"} or a number of bytes, 1M to 1P; it may be below what they use")
         .delete("/api/users/{name}/quota", Access.admin(Scope.ADMIN), this::reset, "Give a user the default quota again")
         .get("/api/admin/usage", Access.admin(Scope.READ), this::all,
                 "Every user's storage and quota, most used first (order=used|name|percent)");
    }

    private void get(Exchange ex) {
        ex.json(200, usage.of(require(ex).name()).json());
    }

    private void set(Exchange ex) {
        User u = require(ex);
        JsonNode body = ex.jsonBody(JsonNode.class);
        JsonNode q = body.path("quota");
        long bytes;
        if (q.isIntegralNumber() && q.canConvertToLong()) {
            bytes = q.asLong();
            Quotas.check(bytes);
        } else if (q.isString()) {
            bytes = Quotas.parse(q.asString());
        } else {
            throw HttpError.badRequest("give the quota in \"quota\": a size such as \"20G\" or a whole number of bytes");
        }
        quotas.set(actor(ex), u, bytes);
        ex.json(200, answer(usage.of(u.name())));
    }

    private void reset(Exchange ex) {
        User u = require(ex);
        quotas.reset(actor(ex), u);
        ex.json(200, answer(usage.of(u.name())));
    }

    private void all(Exchange ex) {
        UsageTable.Order order = order(ex.query("order").orElse("used"));
        ex.json(200, Map.of("default_quota_bytes", quotas.defaultBytes(),
                "users", usage.all(order).stream().map(UsageTable.Row::json).toList()));
    }

    /** The usage, and when the user is already over the new quota, what that means for them. */
    static Map<String, Object> answer(UsageTable.Row row) {
        Map<String, Object> m = new LinkedHashMap<>(row.json());
        if (row.over()) {
            m.put("warning", overMessage(row));
        }
        return m;
    }

    static String overMessage(UsageTable.Row row) {
        return row.name() + " uses " + row.used() + ", more than the quota of " + row.quota()
                + ": writes through the hub are refused (507 Insufficient Storage) until they free space (trash counts too)";
    }

    static UsageTable.Order order(String text) {
        try {
            return UsageTable.Order.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("order is one of used, name, percent");
        }
    }

    private User require(Exchange ex) {
        String name = ex.pathParam("name");
        return users.byName(name).orElseThrow(() -> HttpError.notFound("no user named \"" + name + "\""));
    }

    static Quotas.Actor actor(Exchange ex) {
        return new Quotas.Actor(ex.principal().name(), ex.clientAddress());
    }
}
