package org.labhub.datasets;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.labhub.audit.AuditLog;
import org.labhub.users.Accounts;
import org.labhub.users.Group;
import org.labhub.users.GroupStore;
import org.labhub.web.HttpError;

/** Datasets: who sees which, and what admins may register, change and remove. Every change is audited. */
public final class Datasets {
    private final DatasetStore store;
    private final DatasetFolders folders;
    private final GroupStore groups;
    private final AuditLog audit;
    private final Clock clock;

    public Datasets(DatasetStore store, DatasetFolders folders, GroupStore groups, AuditLog audit, Clock clock) {
        this.store = store;
        this.folders = folders;
        this.groups = groups;
        this.audit = audit;
        this.clock = clock;
    }

    /** Every dataset, by name. */
    public List<Dataset> list() {
        return store.list();
    }

    /** The datasets this person sees (and gets mounted), by name. */
    public List<Dataset> visibleTo(boolean admin, List<String> memberOf) {
        return store.list().stream().filter(d -> d.visibleTo(admin, memberOf)).toList();
    }

    /** The dataset called {@code name} if this person sees it; a 404 either way otherwise, so names do not leak. */
    public Dataset visible(String name, boolean admin, List<String> memberOf) {
        return store.byName(name).filter(d -> d.visibleTo(admin, memberOf))
                .orElseThrow(() -> HttpError.notFound("there is no dataset called \"" + name + "\""));
    }

    /** The dataset called {@code name}, or a 404 (for admins, who see them all). */
    public Dataset named(String name) {
        return visible(name, true, List.of());
    }

    /** Why notebooks could not read all of it; empty when they can. */
    public Optional<String> unreadable(Dataset d) {
        return folders.unreadable(d.hostPath());
    }

    /** {@link #unreadable} with the command that fixes it. */
    public Optional<String> readabilityProblem(Dataset d) {
        return unreadable(d).map(why -> why + "; make it readable with: " + DatasetFolders.chmodCommand(d.hostPath()));
    }

    /** What an admin gives; a null leaves the field as it is (on update) or empty (on create). */
    public record Draft(String hostPath, String description, List<String> groups) {}

    public Dataset create(Accounts.Actor actor, String name, Draft d) {
        try {
            Dataset.checkName(name);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        if (store.byName(name).isPresent()) {
            throw HttpError.conflict("a dataset called \"" + name + "\" already exists");
        }
        List<String> wanted = groupNames(d.groups() == null ? List.of() : d.groups());
        DatasetStore.Fields f = new DatasetStore.Fields(name, folder(d.hostPath()), description(d.description() == null ? "" : d.description()),
                !wanted.isEmpty(), wanted);
        Dataset created;
        try {
            created = store.insert(f, clock.instant());
        } catch (RuntimeException e) {
            if (store.byName(name).isPresent()) {
                throw HttpError.conflict("a dataset called \"" + name + "\" already exists");
            }
            throw e;
        }
        audit.record(actor.name(), "dataset.create", name, AuditLog.Outcome.OK, actor.address(), describe(created));
        return created;
    }

    /** Changes the fields given; naming groups restricts the dataset to them, an empty list opens it to everyone. */
    public Dataset update(Accounts.Actor actor, String name, Draft d) {
        Dataset old = named(name);
        Path path = d.hostPath() == null ? old.hostPath() : folder(d.hostPath());
        String description = d.description() == null ? old.description() : description(d.description());
        List<String> wanted = d.groups() == null ? old.groups() : groupNames(d.groups());
        boolean restricted = d.groups() == null ? old.restricted() : !wanted.isEmpty();
        Dataset updated = store.update(new DatasetStore.Fields(name, path, description, restricted, wanted), clock.instant());
        audit.record(actor.name(), "dataset.update", name, AuditLog.Outcome.OK, actor.address(), describe(updated));
        return updated;
    }

    /** Forgets a dataset; its folder is left as it is. Running servers keep it mounted until they stop. */
    public void delete(Accounts.Actor actor, String name) {
        Dataset d = named(name);
        store.delete(name);
        audit.record(actor.name(), "dataset.delete", name, AuditLog.Outcome.OK, actor.address(), describe(d));
    }

    private Path folder(String text) {
        try {
            return folders.check(text);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
    }

    private static String description(String text) {
        String d = text.strip();
        if (d.length() > Dataset.MAX_DESCRIPTION) {
            throw HttpError.badRequest("description is limited to " + Dataset.MAX_DESCRIPTION + " characters");
        }
        return d;
    }

    /** The distinct group names given, all of which must exist; unknown ones are named together, with the choices. */
    private List<String> groupNames(List<String> given) {
        List<String> wanted = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (String g : given) {
            String group = g == null ? "" : g.strip();
            if (group.isEmpty() || wanted.contains(group) || unknown.contains(group)) {
                continue;
            }
            (groups.byName(group).isPresent() ? wanted : unknown).add(group);
        }
        if (!unknown.isEmpty()) {
            List<String> existing = groups.list().stream().map(Group::name).toList();
            throw HttpError.badRequest((unknown.size() == 1 ? "there is no group named \"" + unknown.get(0) + "\""
                    : "there are no groups named \"" + String.join("\", \"", unknown) + "\"")
                    + (existing.isEmpty() ? "; there are no groups yet" : "; the groups are: " + String.join(", ", existing)));
        }
        return wanted;
    }

    private static String describe(Dataset d) {
        return d.hostPath() + " at " + d.mountPoint() + ", for "
                + (d.restricted() ? (d.groups().isEmpty() ? "administrators only" : String.join(", ", d.groups())) : "everyone");
    }
}
