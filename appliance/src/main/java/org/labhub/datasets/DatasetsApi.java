package org.labhub.datasets;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import org.labhub.auth.Principal;
import org.labhub.auth.Scope;
import org.labhub.users.Accounts;
import org.labhub.users.GroupStore;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Routes;

/** {@code /api/datasets…}: each user sees the datasets mounted into their notebooks; admins see and change all. */
public final class DatasetsApi implements Routes.Provider {
    private final Datasets datasets;
    private final GroupStore groups;

    public DatasetsApi(Datasets datasets, GroupStore groups) {
        this.datasets = datasets;
        this.groups = groups;
    }

    @Override
    public void register(Routes r) {
        r.get("/api/datasets", Access.user(Scope.READ), this::list,
                 "List the datasets mounted read-only at /data/<name> in the caller's notebooks (admins: all, with host paths)")
         .post("/api/datasets", Access.admin(Scope.ADMIN), this::create,
                 "Register a dataset: name, host_path (an existing folder, no symbolic links), description, groups (none: everyone)")
         .get("/api/datasets/{dataset}", Access.user(Scope.READ), this::get, "One dataset the caller sees (404 for others)")
         .patch("/api/datasets/{dataset}", Access.admin(Scope.ADMIN), this::patch,
                 "Change a dataset's host_path, description or groups; running servers see it at their next start")
         .delete("/api/datasets/{dataset}", Access.admin(Scope.ADMIN), this::delete,
                 "Forget a dataset (its folder is left alone); running servers keep it until they stop");
    }

    /**
     * A dataset as the API shows it. What only admins need (the host folder, the groups, whether notebooks can read
     * it) is left out for users.
     *
     * @param readable whether notebooks (other uids) can read the folder and a sample of what is in it
     * @param problem what is not readable and the command that fixes it
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DatasetModel(String name, String mount, String description, String hostPath, List<String> groups, Boolean restricted,
                        Boolean readable, String problem, Instant createdAt, Instant updatedAt) {
        static DatasetModel forUser(Dataset d) {
            return new DatasetModel(d.name(), d.mountPoint(), d.description(), null, null, null, null, null, null, null);
        }

        static DatasetModel forAdmin(Dataset d, Datasets datasets) {
            String problem = datasets.readabilityProblem(d).orElse(null);
            return new DatasetModel(d.name(), d.mountPoint(), d.description(), d.hostPath().toString(), d.groups(), d.restricted(),
                    problem == null, problem, d.createdAt(), d.updatedAt());
        }
    }

    record Body(String name, String hostPath, String description, List<String> groups) {
        Datasets.Draft draft() {
            return new Datasets.Draft(hostPath, description, groups);
        }
    }

    private DatasetModel model(Exchange ex, Dataset d) {
        return ex.principal().isAdmin() ? DatasetModel.forAdmin(d, datasets) : DatasetModel.forUser(d);
    }

    private List<String> memberOf(Principal p) {
        return p.user().map(u -> groups.groupsOf(u.id())).orElse(List.of());
    }

    private void list(Exchange ex) {
        Principal p = ex.principal();
        ex.json(200, datasets.visibleTo(p.isAdmin(), memberOf(p)).stream().map(d -> model(ex, d)).toList());
    }

    private void get(Exchange ex) {
        Principal p = ex.principal();
        ex.json(200, model(ex, datasets.visible(ex.pathParam("dataset"), p.isAdmin(), memberOf(p))));
    }

    private void create(Exchange ex) {
        Body body = ex.jsonBody(Body.class);
        if (body.name() == null || body.name().isBlank()) {
            throw HttpError.badRequest("give the dataset a name; it becomes the folder /data/<name> in notebooks");
        }
        ex.json(201, model(ex, datasets.create(actor(ex), body.name().strip(), body.draft())));
    }

    private void patch(Exchange ex) {
        String name = ex.pathParam("dataset");
        Body body = ex.jsonBody(Body.class);
        if (body.name() != null && !body.name().equals(name)) {
            throw HttpError.badRequest("a dataset cannot be renamed (notebooks find it by name); register it again under the new name");
        }
        ex.json(200, model(ex, datasets.update(actor(ex), name, body.draft())));
    }

    private void delete(Exchange ex) {
        datasets.delete(actor(ex), ex.pathParam("dataset"));
        ex.noContent();
    }

    static Accounts.Actor actor(Exchange ex) {
        return new Accounts.Actor(ex.principal().name(), ex.clientAddress());
    }
}
