package org.labhub.environments;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.labhub.auth.Scope;
import org.labhub.config.ByteSize;
import org.labhub.users.Group;
import org.labhub.users.GroupStore;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/** The admin page for resource profiles: the list, creating, changing and deleting them. */
public final class AdminProfilePages implements Routes.Provider {
    private static final String PAGE = "/admin/profiles";

    private final Profiles profiles;
    private final GroupStore groups;
    private final Pages pages;

    public AdminProfilePages(Profiles profiles, GroupStore groups, Pages pages) {
        this.profiles = profiles;
        this.groups = groups;
        this.pages = pages;
    }

    @Override
    public void register(Routes r) {
        r.get(PAGE, Access.admin(Scope.READ), this::list, "Resource profiles")
         .post(PAGE, Access.admin(Scope.ADMIN), this::create, "Create a resource profile")
         .post(PAGE + "/{profile}", Access.admin(Scope.ADMIN), this::update, "Change a resource profile")
         .post(PAGE + "/{profile}/delete", Access.admin(Scope.ADMIN), this::delete, "Delete a resource profile");
    }

    /** A profile's fields as the forms hold them: text, as typed or as stored. */
    public record Form(String name, String displayName, String cpus, String memory, String pidsLimit, String sortOrder,
                       boolean isDefault, List<String> groups) {
        static Form of(Profile p) {
            return new Form(p.name(), p.displayName(), number(p.cpus()), ByteSize.format(p.memoryBytes()),
                    Integer.toString(p.pidsLimit()), Integer.toString(p.sortOrder()), p.isDefault(), p.groups());
        }

        static Form empty() {
            return new Form("", "", "1", "2G", Integer.toString(Profiles.DEFAULT_PIDS_LIMIT), "", false, List.of());
        }

        static Form read(Exchange ex, String name) {
            List<String> groups = Optional.ofNullable(ex.form().getValues("groups")).orElse(List.of());
            return new Form(name, ex.formValue("display_name").strip(), ex.formValue("cpus").strip(), ex.formValue("memory").strip(),
                    ex.formValue("pids_limit").strip(), ex.formValue("sort_order").strip(), "on".equals(ex.formValue("default")), groups);
        }

        Profiles.Draft draft() {
            return new Profiles.Draft(displayName, decimal("CPUs", cpus), memory, whole("Processes", pidsLimit),
                    isDefault, sortOrder.isEmpty() ? null : whole("Order", sortOrder), groups);
        }

        private static String number(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }

        private static Double decimal(String field, String text) {
            try {
                return Double.valueOf(text);
            } catch (NumberFormatException e) {
                throw HttpError.badRequest(field + " must be a number such as 1 or 0.5 (got \"" + text + "\")");
            }
        }

        private static Integer whole(String field, String text) {
            try {
                return Integer.valueOf(text);
            } catch (NumberFormatException e) {
                throw HttpError.badRequest(field + " must be a whole number (got \"" + text + "\")");
            }
        }
    }

    private void list(Exchange ex) {
        render(ex, 200, "", Form.empty(), "", null);
    }

    /**
     * @param creating the create form's fields (what was typed, after a failure)
     * @param editing the profile whose form failed, shown open with {@code edited} (what was typed)
     */
    private void render(Exchange ex, int status, String error, Form creating, String editing, Form edited) {
        Map<String, Object> model = new HashMap<>();
        List<Form> rows = profiles.list().stream().map(p -> p.name().equals(editing) && edited != null ? edited : Form.of(p)).toList();
        model.put("profiles", rows);
        model.put("groups", groups.list().stream().map(Group::name).toList());
        model.put("creating", creating);
        model.put("createError", editing.isEmpty() ? error : "");
        model.put("error", editing.isEmpty() ? "" : error);
        model.put("editing", editing);
        pages.render(ex, status, "admin/profiles", model);
    }

    private void create(Exchange ex) {
        Form typed = Form.read(ex, ex.formValue("name").strip());
        Profile p;
        try {
            if (typed.name().isEmpty()) {
                throw HttpError.badRequest("Give the profile a name.");
            }
            p = profiles.create(EnvironmentsApi.actor(ex), typed.name(), typed.draft());
        } catch (HttpError failed) {
            render(ex, failed.status(), failed.getMessage(), typed, "", null);
            return;
        }
        pages.flash().success(ex, "Created the profile " + p.name() + ".");
        ex.redirect(PAGE);
    }

    private void update(Exchange ex) {
        String name = profiles.named(ex.pathParam("profile")).name();
        Form typed = Form.read(ex, name);
        try {
            profiles.update(EnvironmentsApi.actor(ex), name, typed.draft());
        } catch (HttpError failed) {
            render(ex, failed.status(), failed.getMessage(), Form.empty(), name, typed);
            return;
        }
        pages.flash().success(ex, "Saved the profile " + name + ".");
        ex.redirect(PAGE);
    }

    private void delete(Exchange ex) {
        String name = ex.pathParam("profile");
        try {
            profiles.delete(EnvironmentsApi.actor(ex), name);
        } catch (HttpError failed) {
            if (failed.status() == 404) {
                throw failed;
            }
            render(ex, failed.status(), failed.getMessage(), Form.empty(), name, null);
            return;
        }
        pages.flash().success(ex, "Deleted the profile " + name + ".");
        ex.redirect(PAGE);
    }
}
