package org.labhub.users;

import java.util.ArrayList;
import java.util.List;

import org.labhub.auth.Scope;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Routes;

/** {@code /api/groups…}: JupyterHub's group endpoints. Every user may look (to share with a group); admins change. */
public final class GroupsApi implements Routes.Provider {
    private final Groups groups;

    public GroupsApi(Groups groups) {
        this.groups = groups;
    }

    @Override
    public void register(Routes r) {
        r.get("/api/groups", Access.user(Scope.READ), this::list, "List groups and their members")
         .post("/api/groups", Access.admin(Scope.ADMIN), this::createMany, "Create several groups")
         .get("/api/groups/{name}", Access.user(Scope.READ), this::get, "Get a group")
         .post("/api/groups/{name}", Access.admin(Scope.ADMIN), this::createOne, "Create a group")
         .delete("/api/groups/{name}", Access.admin(Scope.ADMIN), this::delete, "Delete a group (its members stay)")
         .post("/api/groups/{name}/users", Access.admin(Scope.ADMIN), this::addUsers, "Add users to a group")
         .delete("/api/groups/{name}/users", Access.admin(Scope.ADMIN), this::removeUsers, "Remove users from a group");
    }

    record GroupModel(String kind, String name, String description, List<String> users) {
        static GroupModel of(Group g) {
            return new GroupModel("group", g.name(), g.description(), g.members());
        }
    }

    record CreateOne(String description) {}

    record CreateMany(List<String> groups) {}

    record Members(List<String> users) {}

    private void list(Exchange ex) {
        ex.json(200, groups.list().stream().map(GroupModel::of).toList());
    }

    private void get(Exchange ex) {
        ex.json(200, GroupModel.of(groups.require(ex.pathParam("name"))));
    }

    private void createOne(Exchange ex) {
        CreateOne body = ex.jsonBody(CreateOne.class);
        ex.json(201, GroupModel.of(groups.create(UsersApi.actor(ex), ex.pathParam("name"),
                body.description() == null ? "" : body.description())));
    }

    private void createMany(Exchange ex) {
        CreateMany body = ex.jsonBody(CreateMany.class);
        if (body.groups() == null || body.groups().isEmpty()) {
            throw HttpError.badRequest("give the names to create in \"groups\"");
        }
        List<GroupModel> created = new ArrayList<>();
        for (String name : body.groups()) {
            created.add(GroupModel.of(groups.create(UsersApi.actor(ex), name, "")));
        }
        ex.json(201, created);
    }

    private void delete(Exchange ex) {
        groups.delete(UsersApi.actor(ex), ex.pathParam("name"));
        ex.noContent();
    }

    private void addUsers(Exchange ex) {
        ex.json(200, GroupModel.of(groups.addMembers(UsersApi.actor(ex), ex.pathParam("name"), members(ex))));
    }

    private void removeUsers(Exchange ex) {
        ex.json(200, GroupModel.of(groups.removeMembers(UsersApi.actor(ex), ex.pathParam("name"), members(ex))));
    }

    private static List<String> members(Exchange ex) {
        Members body = ex.jsonBody(Members.class);
        if (body.users() == null || body.users().isEmpty()) {
            throw HttpError.badRequest("give the user names in \"users\"");
        }
        return body.users();
    }

}
