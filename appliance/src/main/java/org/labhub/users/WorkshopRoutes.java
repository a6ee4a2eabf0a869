package org.labhub.users;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.labhub.auth.Scope;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/** Workshop mode: many temporary accounts at once, with a printable sheet of names and passwords. */
public final class WorkshopRoutes implements Routes.Provider {
    private final Accounts accounts;
    private final Pages pages;
    private final Clock clock;

    public WorkshopRoutes(Accounts accounts, Pages pages, Clock clock) {
        this.accounts = accounts;
        this.pages = pages;
        this.clock = clock;
    }

    @Override
    public void register(Routes r) {
        r.get("/admin/workshop", Access.admin(Scope.READ), this::form, "Workshop accounts form")
         .post("/admin/workshop", Access.admin(Scope.ADMIN), this::createSheet, "Create workshop accounts and print the sheet")
         .post("/api/workshop", Access.admin(Scope.ADMIN), this::createApi,
                 "Create temporary accounts {prefix, count, expires_at}; answers their names and passwords once");
    }

    record Body(String prefix, Integer count, Instant expiresAt) {}

    record Account(String name, String password) {}

    record Sheet(String prefix, Instant expiresAt, List<Account> accounts) {}

    private void form(Exchange ex) {
        renderForm(ex, 200, "");
    }

    private void renderForm(Exchange ex, int status, String error) {
        Map<String, Object> model = new HashMap<>();
        model.put("error", error);
        model.put("defaultExpiry", LocalDate.now(clock.withZone(ZoneOffset.UTC)).plusDays(3).toString());
        pages.render(ex, status, "admin/workshop", model);
    }

    private void createSheet(Exchange ex) {
        Sheet sheet;
        try {
            int count = Integer.parseInt(ex.formValue("count").trim());
            Instant expires = LocalDate.parse(ex.formValue("expires").trim()).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
            sheet = create(ex, ex.formValue("prefix").trim(), count, expires);
        } catch (NumberFormatException e) {
            renderForm(ex, 400, "The number of accounts must be a whole number.");
            return;
        } catch (DateTimeParseException e) {
            renderForm(ex, 400, "The last day must be a date like 2026-12-31.");
            return;
        } catch (HttpError e) {
            renderForm(ex, e.status(), e.getMessage());
            return;
        }
        pages.render(ex, 201, "admin/workshop-sheet", Map.of("sheet", sheet, "url", ex.ownOrigin() + "/login"));
    }

    private void createApi(Exchange ex) {
        Body body = ex.jsonBody(Body.class);
        if (body.count() == null || body.expiresAt() == null) {
            throw HttpError.badRequest("give prefix, count and expires_at (an ISO-8601 instant)");
        }
        ex.json(201, create(ex, body.prefix(), body.count(), body.expiresAt()));
    }

    private Sheet create(Exchange ex, String prefix, int count, Instant expires) {
        List<Account> created = accounts.createWorkshop(UsersApi.actor(ex), prefix, count, expires).stream()
                .map(c -> new Account(c.user().name(), c.password().orElseThrow())).toList();
        return new Sheet(prefix, expires, created);
    }
}
