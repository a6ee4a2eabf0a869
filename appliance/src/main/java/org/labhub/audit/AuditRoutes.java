package org.labhub.audit;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.labhub.auth.Scope;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/** The audit log for admins: a page and {@code GET /api/audit}. */
public final class AuditRoutes implements Routes.Provider {
    private static final int PAGE = 50;

    private final AuditLog audit;
    private final Pages pages;

    public AuditRoutes(AuditLog audit, Pages pages) {
        this.audit = audit;
        this.pages = pages;
    }

    @Override
    public void register(Routes r) {
        r.get("/admin/audit", Access.admin(Scope.READ), this::page, "Audit log")
         .get("/api/audit", Access.admin(Scope.READ), this::api, "Audit events, newest first (limit, offset, action)");
    }

    private void page(Exchange ex) {
        int page = intParam(ex, "page", 1, 1, 100_000);
        Optional<String> action = ex.query("action").filter(s -> !s.isBlank());
        List<AuditLog.Event> events = audit.recent(PAGE + 1, (page - 1) * PAGE, action);
        Map<String, Object> model = new HashMap<>();
        model.put("events", events.size() > PAGE ? events.subList(0, PAGE) : events);
        model.put("page", page);
        model.put("hasNext", events.size() > PAGE);
        model.put("action", action.orElse(""));
        pages.render(ex, "admin/audit", model);
    }

    private void api(Exchange ex) {
        int limit = intParam(ex, "limit", 100, 1, 1000);
        int offset = intParam(ex, "offset", 0, 0, Integer.MAX_VALUE);
        ex.json(200, audit.recent(limit, offset, ex.query("action").filter(s -> !s.isBlank())));
    }

    private static int intParam(Exchange ex, String name, int dflt, int min, int max) {
        Optional<String> v = ex.query(name);
        if (v.isEmpty() || v.get().isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.get());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw HttpError.badRequest(name + " must be a whole number from " + min + " to " + max);
        }
    }
}
