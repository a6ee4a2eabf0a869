package org.labhub.users;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.labhub.auth.Scope;
import org.labhub.storage.Homes;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Json;
import org.labhub.web.Routes;

/** {@code /api/user} and {@code /api/users…}: JupyterHub's user endpoints, with passwords and file dispositions added. */
public final class UsersApi implements Routes.Provider {
    private final Accounts accounts;
    private final UserStore users;
    private final GroupStore groups;
    private final Function<String, Map<String, Object>> serversOf;

    /** @param serversOf a user's servers by name, as the user model shows them */
    public UsersApi(Accounts accounts, UserStore users, GroupStore groups, Function<String, Map<String, Object>> serversOf) {
        this.accounts = accounts;
        this.users = users;
        this.groups = groups;
        this.serversOf = serversOf;
    }

    @Override
    public void register(Routes r) {
        r.get("/api/user", Access.user(Scope.READ), this::me, "The calling user")
         .get("/api/users", Access.admin(Scope.READ), this::list, "List users")
         .post("/api/users", Access.admin(Scope.ADMIN), this::createMany, "Create several users")
         .get("/api/users/{name}", Access.selfOrAdmin(Scope.READ), this::get, "Get a user")
         .post("/api/users/{name}", Access.admin(Scope.ADMIN), this::createOne, "Create a user")
         .patch("/api/users/{name}", Access.admin(Scope.ADMIN), this::patch, "Change a user (admin, disabled, password)")
         .delete("/api/users/{name}", Access.admin(Scope.ADMIN), this::delete,
                 "Delete a user; files=keep|transfer|delete (and transfer_to) says what happens to their files");
    }

    record CreateOne(Boolean admin, String password) {}

    record CreateMany(List<String> usernames, Boolean admin) {}

    record Patch(Boolean admin, Boolean disabled, String password) {}

    UserModel model(User u) {
        return UserModel.of(u, groups.groupsOf(u.id()), serversOf.apply(u.name()));
    }

    private void me(Exchange ex) {
        ex.json(200, model(ex.principal().user().orElseThrow()));
    }

    private void list(Exchange ex) {
        List<UserModel> all = new ArrayList<>();
        for (User u : users.list()) {
            all.add(model(u));
        }
        ex.json(200, all);
    }

    private void get(Exchange ex) {
        ex.json(200, model(accounts.require(ex.pathParam("name"))));
    }

    private void createOne(Exchange ex) {
        CreateOne body = ex.jsonBody(CreateOne.class);
        Accounts.Created c = accounts.create(actor(ex), ex.pathParam("name"), Optional.ofNullable(body.password()),
                Boolean.TRUE.equals(body.admin()), User.State.ACTIVE, Optional.empty());
        ex.json(201, withPassword(c));
    }

    private void createMany(Exchange ex) {
        CreateMany body = ex.jsonBody(CreateMany.class);
        if (body.usernames() == null || body.usernames().isEmpty()) {
            throw HttpError.badRequest("give the names to create in \"usernames\"");
        }
        for (String name : body.usernames()) {
            if (users.byName(name).isPresent()) {
                throw HttpError.conflict("a user named \"" + name + "\" already exists; nothing was created");
            }
            try {
                User.checkName(name);
            } catch (IllegalArgumentException e) {
                throw HttpError.badRequest("\"" + name + "\": " + e.getMessage() + "; nothing was created");
            }
        }
        List<Map<String, Object>> created = new ArrayList<>();
        for (String name : body.usernames()) {
            created.add(withPassword(accounts.create(actor(ex), name, Optional.empty(), Boolean.TRUE.equals(body.admin()),
                    User.State.ACTIVE, Optional.empty())));
        }
        ex.json(201, created);
    }

    private void patch(Exchange ex) {
        User u = accounts.require(ex.pathParam("name"));
        Patch body = ex.jsonBody(Patch.class);
        Accounts.Actor actor = actor(ex);
        if (body.password() != null) {
            accounts.resetPassword(actor, u, body.password());
        }
        if (body.admin() != null && body.admin() != u.admin()) {
            accounts.setAdmin(actor, u, body.admin());
        }
        if (body.disabled() != null) {
            if (!body.disabled() && u.state() == User.State.PENDING) {
                accounts.approve(actor, u);
            } else if (body.disabled() != (u.state() == User.State.DISABLED)) {
                accounts.setDisabled(actor, u, body.disabled());
            }
        }
        ex.json(200, model(accounts.require(u.name())));
    }

    private void delete(Exchange ex) {
        User u = accounts.require(ex.pathParam("name"));
        Homes.Disposition files = disposition(ex.query("files").orElse(""));
        accounts.delete(actor(ex), u, files, ex.query("transfer_to"));
        ex.noContent();
    }

    static Homes.Disposition disposition(String files) {
        switch (files) {
            case "keep": return Homes.Disposition.KEEP;
            case "transfer": return Homes.Disposition.TRANSFER;
            case "delete": return Homes.Disposition.DELETE;
            default:
                throw HttpError.badRequest("say what happens to the user's files: files=keep, files=transfer&transfer_to=NAME, or files=delete");
        }
    }

    private Map<String, Object> withPassword(Accounts.Created c) {
        Map<String, Object> m = new LinkedHashMap<>(asMap(model(c.user())));
        c.password().ifPresent(p -> m.put("password", p));
        return m;
    }

    static Accounts.Actor actor(Exchange ex) {
        return new Accounts.Actor(ex.principal().name(), ex.clientAddress());
    }

    /** The record as the JSON object it serialises to, so a field can be added to the answer. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return Json.MAPPER.convertValue(o, Map.class);
    }
}
