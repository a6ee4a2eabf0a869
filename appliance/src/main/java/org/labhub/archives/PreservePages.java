package org.labhub.archives;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.labhub.auth.Scope;
import org.labhub.environments.Environment;
import org.labhub.environments.Environments;
import org.labhub.environments.Profile;
import org.labhub.environments.Profiles;
import org.labhub.spawner.DashboardPage;
import org.labhub.users.GroupStore;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/**
 * Preserving from the browser: the form ({@code /archives/new}, reached by "Preserve" in the file browser) and the
 * page that follows one preservation ({@code /archives/tasks/{task}}: each step, the image export's progress, and on
 * failure the failing cell with the one way on: preserve anyway, recorded as "does not run"). Plain forms and a page
 * that refreshes itself: no script needed.
 */
public final class PreservePages implements Routes.Provider {
    private final Preserve preserve;
    private final Environments environments;
    private final Profiles profiles;
    private final GroupStore groups;
    private final Pages pages;

    public PreservePages(Preserve preserve, Environments environments, Profiles profiles, GroupStore groups, Pages pages) {
        this.preserve = preserve;
        this.environments = environments;
        this.profiles = profiles;
        this.groups = groups;
        this.pages = pages;
    }

    @Override
    public void register(Routes r) {
        r.get("/archives/new", Access.user(Scope.READ), this::form, "Page: the form that preserves a notebook or folder (?path= prefills it)")
         .post("/archives/new", Access.user(Scope.FILES), this::submit,
                 "Preserve from the form (path, title, description, authors, license, keywords, environment, profile, "
                         + "include_image, does_not_run)")
         .get("/archives/tasks/{task}", Access.user(Scope.READ), this::task, "Page: one preservation as it runs, then its archive or its failing cell");
    }

    /** The form's fields as typed, or their defaults. */
    public record Form(String path, String title, String description, String authors, String license, String keywords,
                       String environment, String profile, boolean includeImage, boolean doesNotRun) {
        static Form read(Exchange ex) {
            return new Form(ex.formValue("path").strip(), ex.formValue("title").strip(), ex.formValue("description"),
                    ex.formValue("authors"), ex.formValue("license").strip(), ex.formValue("keywords"), ex.formValue("environment"),
                    ex.formValue("profile"), "on".equals(ex.formValue("include_image")), "on".equals(ex.formValue("does_not_run")));
        }

        /** The request the form asks for; authors one per line, keywords separated by commas. */
        PreserveRequest request() {
            return new PreserveRequest(path, environment, profile, title, description, Arrays.asList(authors.split("\\R")),
                    license, Arrays.asList(keywords.split(",")), !includeImage, doesNotRun);
        }

        /** A failed preservation's request, as the form that asks for it again. */
        static Form of(PreserveRequest r) {
            return new Form(r.path(), r.title(), r.description(), String.join("\n", r.authors()), r.license(),
                    String.join(", ", r.keywords()), r.environment(), r.profile(), !r.byReference(), r.doesNotRun());
        }
    }

    private void form(Exchange ex) {
        String path = ex.query("path").orElse("").strip();
        String name = path.isEmpty() ? "" : path.substring(path.lastIndexOf('/') + 1);
        String title = name.endsWith(".ipynb") ? name.substring(0, name.length() - ".ipynb".length()) : name;
        render(ex, 200, new Form(path, title, "", ex.principal().name(), "CC-BY-4.0", "", "", "", true, false), "");
    }

    private void render(Exchange ex, int status, Form typed, String problem) {
        List<String> myGroups = ex.principal().user().map(u -> groups.groupsOf(u.id())).orElse(List.of());
        List<Environment> enabled = environments.enabled();
        List<Profile> open = profiles.availableTo(ex.principal().isAdmin(), myGroups);
        String env = enabled.stream().map(Environment::name).filter(typed.environment()::equals).findFirst()
                .or(() -> enabled.stream().map(Environment::name).filter("python"::equals).findFirst())
                .orElse(enabled.isEmpty() ? "" : enabled.get(0).name());
        String profile = open.stream().map(Profile::name).filter(typed.profile()::equals).findFirst()
                .or(() -> open.stream().filter(Profile::isDefault).map(Profile::name).findFirst())
                .orElse(open.isEmpty() ? "" : open.get(0).name());
        Map<String, Object> model = new HashMap<>();
        model.put("form", typed);
        model.put("problem", problem);
        model.put("environments", enabled.stream().map(e -> new DashboardPage.EnvironmentChoice(e.name(), e.displayName(),
                e.description(), e.name().equals(env))).toList());
        model.put("profiles", open.stream().map(p -> new DashboardPage.ProfileChoice(p.name(), p.displayName(),
                p.name().equals(profile))).toList());
        pages.render(ex, status, "archive-new", model);
    }

    private void submit(Exchange ex) throws IOException {
        Form typed = Form.read(ex);
        PreserveTask t;
        try {
            t = preserve.start(ex.principal().name(), typed.request());
        } catch (HttpError e) {
            render(ex, e.status(), typed, capitalize(e.getMessage()) + ".");
            return;
        }
        ex.redirect("/archives/tasks/" + t.id());
    }

    private void task(Exchange ex) {
        PreserveTask t = preserve.task(ex.pathParam("task"), ex.principal().name(), ex.principal().isAdmin());
        if (t.state() == PreserveTask.State.DONE && t.archiveId().isPresent()) {
            pages.flash().success(ex, "Preserved: the archive is written and checked.");
            ex.redirect("/archives/" + t.archiveId().get());
            return;
        }
        Map<String, Object> model = new HashMap<>();
        model.put("task", t);
        model.put("state", t.state().name().toLowerCase());
        model.put("step", switch (t.state()) {
            case RUNNING -> 1;
            case EXPORTING -> 2;
            case WRITING, DONE -> 3;
            case FAILED -> 0;
        });
        model.put("request", t.request());
        model.put("form", Form.of(t.request()));
        model.put("exportPercent", t.imageBytes() > 0 ? Math.min(100, t.exportedBytes() * 100 / t.imageBytes()) : 0);
        t.failure().ifPresent(f -> model.put("failure", Map.of("notebook", t.failedNotebook().orElse(""), "cell", f.cellIndex() + 1,
                "error", (f.errorName() + ": " + f.errorValue()).strip())));
        List<String> log = t.log();
        model.put("log", String.join("\n", log.subList(Math.max(0, log.size() - 200), log.size())));
        pages.render(ex, "archive-task", model);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
