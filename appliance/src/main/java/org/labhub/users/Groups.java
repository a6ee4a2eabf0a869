package org.labhub.users;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.labhub.audit.AuditLog;
import org.labhub.web.HttpError;

/** The rules for groups, shared by the admin pages and the API; every change is audited. */
public final class Groups {
    private final GroupStore store;
    private final UserStore users;
    private final AuditLog audit;
    private final Clock clock;

    public Groups(GroupStore store, UserStore users, AuditLog audit, Clock clock) {
        this.store = store;
        this.users = users;
        this.audit = audit;
        this.clock = clock;
    }

    public List<Group> list() {
        return store.list();
    }

    public Group require(String name) {
        return store.byName(name).orElseThrow(() -> HttpError.notFound("no group named \"" + name + "\""));
    }

    public Group create(Accounts.Actor actor, String name, String description) {
        try {
            Group.checkName(name);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        if (description.length() > 500) {
            throw HttpError.badRequest("a description may have at most 500 characters");
        }
        if (store.byName(name).isPresent()) {
            throw HttpError.conflict("a group named \"" + name + "\" already exists");
        }
        Group g = store.create(name, description, clock.instant());
        audit.record(actor.name(), "group.create", name, AuditLog.Outcome.OK, actor.address(), "");
        return g;
    }

    public void delete(Accounts.Actor actor, String name) {
        require(name);
        store.delete(name);
        audit.record(actor.name(), "group.delete", name, AuditLog.Outcome.OK, actor.address(), "");
    }

    public Group addMembers(Accounts.Actor actor, String group, List<String> names) {
        Group g = require(group);
        store.addMembers(g.id(), ids(names));
        audit.record(actor.name(), "group.add_users", group, AuditLog.Outcome.OK, actor.address(), String.join(", ", names));
        return require(group);
    }

    public Group removeMembers(Accounts.Actor actor, String group, List<String> names) {
        Group g = require(group);
        store.removeMembers(g.id(), ids(names));
        audit.record(actor.name(), "group.remove_users", group, AuditLog.Outcome.OK, actor.address(), String.join(", ", names));
        return require(group);
    }

    /** All names must exist, or nothing changes. */
    private List<Long> ids(List<String> names) {
        List<Long> ids = new ArrayList<>();
        for (String n : names) {
            ids.add(users.byName(n).orElseThrow(() -> HttpError.notFound("no user named \"" + n + "\"; nothing was changed")).id());
        }
        return ids;
    }
}
