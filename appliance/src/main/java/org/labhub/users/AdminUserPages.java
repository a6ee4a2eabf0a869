package org.labhub.users;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.labhub.auth.Scope;
import org.labhub.storage.Homes;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/** Admin pages for accounts: list, create, approve, disable, reset password, grant admin, delete. */
public final class AdminUserPages implements Routes.Provider {
    private final Accounts accounts;
    private final UserStore users;
    private final GroupStore groups;
    private final Pages pages;

    public AdminUserPages(Accounts accounts, UserStore users, GroupStore groups, Pages pages) {
        this.accounts = accounts;
        this.users = users;
        this.groups = groups;
        this.pages = pages;
    }

    @Override
    public void register(Routes r) {
        r.get("/admin", Access.admin(Scope.READ), ex -> ex.redirect("/admin/users"), "Admin start page")
         .get("/admin/users", Access.admin(Scope.READ), this::list, "Users")
         .post("/admin/users", Access.admin(Scope.ADMIN), this::create, "Create a user")
         .get("/admin/users/{name}", Access.admin(Scope.READ), this::show, "One user")
         .post("/admin/users/{name}/password", Access.admin(Scope.ADMIN), this::resetPassword, "Reset a password")
         .post("/admin/users/{name}/admin", Access.admin(Scope.ADMIN), this::setAdmin, "Grant or revoke admin")
         .post("/admin/users/{name}/state", Access.admin(Scope.ADMIN), this::setState, "Approve, disable or enable")
         .post("/admin/users/{name}/delete", Access.admin(Scope.ADMIN), this::delete, "Delete a user");
    }

    private void list(Exchange ex) {
        List<User> all = users.list();
        Map<String, Object> model = new HashMap<>();
        model.put("users", all);
        model.put("pending", all.stream().filter(u -> u.state() == User.State.PENDING).toList());
        model.put("error", "");
        model.put("name", "");
        pages.render(ex, "admin/users", model);
    }

    private void create(Exchange ex) {
        String name = ex.formValue("username").trim();
        String password = ex.formValue("password");
        boolean admin = "on".equals(ex.formValue("admin"));
        Accounts.Created c;
        try {
            c = accounts.create(UsersApi.actor(ex), name, password.isEmpty() ? Optional.empty() : Optional.of(password),
                    admin, User.State.ACTIVE, Optional.empty());
        } catch (HttpError e) {
            Map<String, Object> model = new HashMap<>();
            model.put("users", users.list());
            model.put("pending", List.of());
            model.put("error", e.getMessage());
            model.put("name", name);
            pages.render(ex, e.status(), "admin/users", model);
            return;
        }
        render(ex, 201, c.user(), c.password().orElse(""), "");
    }

    private void show(Exchange ex) {
        render(ex, 200, accounts.require(ex.pathParam("name")), "", "");
    }

    private void render(Exchange ex, int status, User user, String generatedPassword, String error) {
        Map<String, Object> model = new HashMap<>();
        model.put("user", user);
        model.put("groups", groups.groupsOf(user.id()));
        model.put("others", users.list().stream().filter(u -> u.id() != user.id()).map(User::name).toList());
        model.put("generatedPassword", generatedPassword);
        model.put("error", error);
        pages.render(ex, status, "admin/user", model);
    }

    private void resetPassword(Exchange ex) {
        User u = accounts.require(ex.pathParam("name"));
        try {
            accounts.resetPassword(UsersApi.actor(ex), u, ex.formValue("password"));
        } catch (HttpError e) {
            render(ex, e.status(), u, "", e.getMessage());
            return;
        }
        done(ex, u, "Password of " + u.name() + " reset; their sessions were ended.");
    }

    private void setAdmin(Exchange ex) {
        User u = accounts.require(ex.pathParam("name"));
        boolean grant = "grant".equals(ex.formValue("action"));
        guarded(ex, u, () -> accounts.setAdmin(UsersApi.actor(ex), u, grant),
                grant ? u.name() + " is now an administrator." : u.name() + " is no longer an administrator.");
    }

    private void setState(Exchange ex) {
        User u = accounts.require(ex.pathParam("name"));
        String action = ex.formValue("action");
        switch (action) {
            case "approve":
                guarded(ex, u, () -> accounts.approve(UsersApi.actor(ex), u), u.name() + " approved.");
                break;
            case "disable":
                guarded(ex, u, () -> accounts.setDisabled(UsersApi.actor(ex), u, true), u.name() + " disabled; their sessions were ended.");
                break;
            case "enable":
                guarded(ex, u, () -> accounts.setDisabled(UsersApi.actor(ex), u, false), u.name() + " enabled.");
                break;
            default:
                throw HttpError.badRequest("unknown action \"" + action + "\"");
        }
    }

    private void delete(Exchange ex) {
        User u = accounts.require(ex.pathParam("name"));
        String files = ex.formValue("files");
        if (files.isEmpty()) {
            render(ex, 400, u, "", "Choose what happens to the files of " + u.name() + ".");
            return;
        }
        if (!ex.formValue("confirm").equals(u.name())) {
            render(ex, 400, u, "", "Type the user name to confirm the deletion.");
            return;
        }
        String outcome;
        try {
            Homes.Disposition d = UsersApi.disposition(files);
            outcome = accounts.delete(UsersApi.actor(ex), u, d, Optional.of(ex.formValue("transfer_to")));
        } catch (HttpError e) {
            render(ex, e.status(), u, "", e.getMessage());
            return;
        }
        pages.flash().success(ex, "Deleted " + u.name() + ": " + outcome + ".");
        ex.redirect("/admin/users");
    }

    private void guarded(Exchange ex, User u, Runnable change, String message) {
        try {
            change.run();
        } catch (HttpError e) {
            render(ex, e.status(), u, "", e.getMessage());
            return;
        }
        done(ex, u, message);
    }

    private void done(Exchange ex, User u, String message) {
        pages.flash().success(ex, message);
        ex.redirect("/admin/users/" + u.name());
    }
}
