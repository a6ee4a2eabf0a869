package org.labhub.quotas;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.labhub.auth.Scope;
import org.labhub.files.Sizes;
import org.labhub.users.User;
import org.labhub.users.UserStore;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/** {@code /admin/storage}: every user's usage against their quota, most used first, with a form to change each quota. */
public final class AdminStoragePages implements Routes.Provider {
    private static final String PAGE = "/admin/storage";
    private static final List<String> UNITS = List.of("M", "G", "T");

    private final Quotas quotas;
    private final UsageTable usage;
    private final UserStore users;
    private final Pages pages;

    public AdminStoragePages(Quotas quotas, UsageTable usage, UserStore users, Pages pages) {
        this.quotas = quotas;
        this.usage = usage;
        this.users = users;
        this.pages = pages;
    }

    @Override
    public void register(Routes r) {
        r.get(PAGE, Access.admin(Scope.READ), this::list, "Storage: every user's usage and quota (order=used|name|percent)")
         .post(PAGE + "/{name}/quota", Access.admin(Scope.ADMIN), this::change,
                 "Set a user's quota (form: amount, unit) or reset it to the default (form: action=reset)");
    }

    private void list(Exchange ex) {
        render(ex, 200, "");
    }

    private void render(Exchange ex, int status, String error) {
        String order = ex.query("order").orElse("used");
        List<UsageTable.Row> rows = usage.all(QuotasApi.order(order));
        Map<String, Object> model = new HashMap<>();
        model.put("rows", rows);
        model.put("order", order);
        model.put("units", UNITS);
        model.put("over", rows.stream().filter(UsageTable.Row::over).count());
        model.put("total", Sizes.human(rows.stream().mapToLong(UsageTable.Row::usedBytes).sum()));
        model.put("defaultQuota", quotas.defaultBytes() <= 0 ? "no limit" : Sizes.human(quotas.defaultBytes()));
        model.put("error", error);
        pages.render(ex, status, "admin/storage", model);
    }

    private void change(Exchange ex) {
        String name = ex.pathParam("name");
        User u = users.byName(name).orElseThrow(() -> HttpError.notFound("no user named \"" + name + "\""));
        String message;
        try {
            if ("reset".equals(ex.formValue("action"))) {
                quotas.reset(QuotasApi.actor(ex), u);
                message = u.name() + " has the default quota again.";
            } else {
                String unit = ex.formValue("unit");
                if (!UNITS.contains(unit)) {
                    throw HttpError.badRequest("choose a unit: " + String.join(", ", UNITS));
                }
                quotas.set(QuotasApi.actor(ex), u, Quotas.parse(ex.formValue("amount").trim() + unit));
                message = "Quota of " + u.name() + " set.";
            }
        } catch (HttpError e) {
            render(ex, e.status(), u.name() + ": " + e.getMessage());
            return;
        }
        UsageTable.Row row = usage.of(u.name());
        message += " " + row.name() + " uses " + row.used() + " of " + row.quota() + ".";
        if (row.over()) {
            pages.flash().error(ex, message + " That is over the quota: writes through the hub are refused until they free space.");
        } else {
            pages.flash().success(ex, message);
        }
        ex.redirect(PAGE + "#user-" + u.name());
    }
}
