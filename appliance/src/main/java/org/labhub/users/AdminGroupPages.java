package org.labhub.users;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.labhub.auth.Scope;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/** Admin pages for groups: list, create, delete, and manage members. */
public final class AdminGroupPages implements Routes.Provider {
    private final Groups groups;
    private final UserStore users;
    private final Pages pages;

    public AdminGroupPages(Groups groups, UserStore users, Pages pages) {
        this.groups = groups;
        this.users = users;
        this.pages = pages;
    }

    @Override
    public void register(Routes r) {
        r.get("/admin/groups", Access.admin(Scope.READ), this::list, "Groups")
         .post("/admin/groups", Access.admin(Scope.ADMIN), this::create, "Create a group")
         .get("/admin/groups/{name}", Access.admin(Scope.READ), this::show, "One group")
         .post("/admin/groups/{name}/members", Access.admin(Scope.ADMIN), this::members, "Add or remove members")
         .post("/admin/groups/{name}/delete", Access.admin(Scope.ADMIN), this::delete, "Delete a group");
    }

    private void list(Exchange ex) {
        renderList(ex, 200, "", "");
    }

    private void renderList(Exchange ex, int status, String name, String error) {
        Map<String, Object> model = new HashMap<>();
        model.put("groups", groups.list());
        model.put("name", name);
        model.put("error", error);
        pages.render(ex, status, "admin/groups", model);
    }

    private void create(Exchange ex) {
        String name = ex.formValue("name").trim();
        try {
            groups.create(UsersApi.actor(ex), name, ex.formValue("description").trim());
        } catch (HttpError e) {
            renderList(ex, e.status(), name, e.getMessage());
            return;
        }
        pages.flash().success(ex, "Group " + name + " created.");
        ex.redirect("/admin/groups/" + name);
    }

    private void show(Exchange ex) {
        renderGroup(ex, 200, groups.require(ex.pathParam("name")), "");
    }

    private void renderGroup(Exchange ex, int status, Group g, String error) {
        Map<String, Object> model = new HashMap<>();
        model.put("group", g);
        model.put("candidates", users.list().stream().map(User::name).filter(n -> !g.members().contains(n)).toList());
        model.put("error", error);
        pages.render(ex, status, "admin/group", model);
    }

    private void members(Exchange ex) {
        Group g = groups.require(ex.pathParam("name"));
        List<String> names = Arrays.stream(ex.formValue("users").split("[,\\s]+")).filter(s -> !s.isEmpty()).toList();
        if (names.isEmpty()) {
            renderGroup(ex, 400, g, "Name at least one user.");
            return;
        }
        boolean remove = "remove".equals(ex.formValue("action"));
        try {
            if (remove) {
                groups.removeMembers(UsersApi.actor(ex), g.name(), names);
            } else {
                groups.addMembers(UsersApi.actor(ex), g.name(), names);
            }
        } catch (HttpError e) {
            renderGroup(ex, e.status(), g, e.getMessage());
            return;
        }
        pages.flash().success(ex, (remove ? "Removed " : "Added ") + String.join(", ", names) + ".");
        ex.redirect("/admin/groups/" + g.name());
    }

    private void delete(Exchange ex) {
        String name = ex.pathParam("name");
        groups.delete(UsersApi.actor(ex), name);
        pages.flash().success(ex, "Group " + name + " deleted; its members keep their accounts.");
        ex.redirect("/admin/groups");
    }
}
