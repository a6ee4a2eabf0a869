package org.labhub.datasets;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.labhub.auth.Scope;
import org.labhub.users.Group;
import org.labhub.users.GroupStore;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/** The admin page for datasets: the list with readability warnings, registering, changing and removing them. */
public final class AdminDatasetPages implements Routes.Provider {
    private static final String PAGE = "/admin/datasets";

    private final Datasets datasets;
    private final GroupStore groups;
    private final Pages pages;
    private final String datasetsHome;

    /** @param datasetsHome {@code <data>/datasets}, suggested on the page as the place for dataset folders */
    public AdminDatasetPages(Datasets datasets, GroupStore groups, Pages pages, String datasetsHome) {
        this.datasets = datasets;
        this.groups = groups;
        this.pages = pages;
        this.datasetsHome = datasetsHome;
    }

    @Override
    public void register(Routes r) {
        r.get(PAGE, Access.admin(Scope.READ), this::list, "Datasets")
         .post(PAGE, Access.admin(Scope.ADMIN), this::create, "Register a dataset")
         .post(PAGE + "/{dataset}", Access.admin(Scope.ADMIN), this::update, "Change a dataset")
         .post(PAGE + "/{dataset}/delete", Access.admin(Scope.ADMIN), this::delete, "Forget a dataset");
    }

    /**
     * A dataset's fields as the forms hold them, as typed or as stored.
     *
     * @param problem why notebooks cannot read all of it ({@code ""} when they can)
     * @param chmod that command alone, for the page to show as code
     */
    public record Form(String name, String hostPath, String description, boolean restricted, List<String> groups, String mount,
                       String problem, String chmod) {
        static Form of(Dataset d, Datasets datasets) {
            return new Form(d.name(), d.hostPath().toString(), d.description(), d.restricted(), d.groups(), d.mountPoint(),
                    datasets.unreadable(d).orElse(""), DatasetFolders.chmodCommand(d.hostPath()));
        }

        static Form empty() {
            return new Form("", "", "", false, List.of(), "", "", "");
        }

        static Form read(Exchange ex, String name) {
            List<String> groups = Optional.ofNullable(ex.form().getValues("groups")).orElse(List.of());
            return new Form(name, ex.formValue("host_path").strip(), ex.formValue("description").strip(), !groups.isEmpty(), groups,
                    name.isEmpty() ? "" : Dataset.CONTAINER_ROOT + "/" + name, "", "");
        }

        Datasets.Draft draft() {
            return new Datasets.Draft(hostPath, description, groups);
        }

        /** For the table: who sees it. */
        public String openTo() {
            return !restricted ? "everyone" : groups.isEmpty() ? "administrators only (its groups were deleted)" : String.join(", ", groups);
        }
    }

    private void list(Exchange ex) {
        render(ex, 200, "", Form.empty(), "", null);
    }

    /**
     * @param creating the create form's fields (what was typed, after a failure)
     * @param editing the dataset whose form failed, shown open with {@code edited} (what was typed)
     */
    private void render(Exchange ex, int status, String error, Form creating, String editing, Form edited) {
        Map<String, Object> model = new HashMap<>();
        List<Form> rows = datasets.list().stream().map(d -> {
            Form stored = Form.of(d, datasets);
            return d.name().equals(editing) && edited != null
                    ? new Form(d.name(), edited.hostPath(), edited.description(), edited.restricted(), edited.groups(), stored.mount(),
                    stored.problem(), stored.chmod())
                    : stored;
        }).toList();
        model.put("datasets", rows);
        model.put("groups", groups.list().stream().map(Group::name).toList());
        model.put("creating", creating);
        model.put("createError", editing.isEmpty() ? error : "");
        model.put("error", editing.isEmpty() ? "" : error);
        model.put("editing", editing);
        model.put("datasetsHome", datasetsHome);
                pages.render(ex, status, "admin/datasets", model);
    }

    private void create(Exchange ex) {
        Form typed = Form.read(ex, ex.formValue("name").strip());
        Dataset d;
        try {
            if (typed.name().isEmpty()) {
                throw HttpError.badRequest("Give the dataset a name.");
            }
            d = datasets.create(DatasetsApi.actor(ex), typed.name(), typed.draft());
        } catch (HttpError failed) {
            render(ex, failed.status(), failed.getMessage(), typed, "", null);
            return;
        }
        pages.flash().success(ex, "Registered the dataset " + d.name() + ": users who may see it find it at " + d.mountPoint()
                + " when their server next starts.");
        ex.redirect(PAGE);
    }

    private void update(Exchange ex) {
        String name = datasets.named(ex.pathParam("dataset")).name();
        Form typed = Form.read(ex, name);
        try {
            datasets.update(DatasetsApi.actor(ex), name, typed.draft());
        } catch (HttpError failed) {
            render(ex, failed.status(), failed.getMessage(), Form.empty(), name, typed);
            return;
        }
        pages.flash().success(ex, "Saved the dataset " + name + "; servers see the change at their next start.");
        ex.redirect(PAGE);
    }

    private void delete(Exchange ex) {
        String name = datasets.named(ex.pathParam("dataset")).name();
        datasets.delete(DatasetsApi.actor(ex), name);
        pages.flash().success(ex, "Removed the dataset " + name + ". Its folder is left as it was.");
        ex.redirect(PAGE);
    }
}
