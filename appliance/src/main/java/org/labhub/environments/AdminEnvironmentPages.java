package org.labhub.environments;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.labhub.auth.Scope;
import org.labhub.podman.PodmanException;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Pages;
import org.labhub.web.Routes;

/** The admin page for environments: the list, enabling, network, names, registering an image, re-scanning kernels. */
public final class AdminEnvironmentPages implements Routes.Provider {
    private static final String PAGE = "/admin/environments";

    private final Environments environments;
    private final EnvironmentScanner scanner;
    private final Pages pages;

    public AdminEnvironmentPages(Environments environments, EnvironmentScanner scanner, Pages pages) {
        this.environments = environments;
        this.scanner = scanner;
        this.pages = pages;
    }

    @Override
    public void register(Routes r) {
        // /scan before /{env}: the first matching route wins.
        r.get(PAGE, Access.admin(Scope.READ), this::list, "Environments")
         .post(PAGE, Access.admin(Scope.ADMIN), this::registerImage, "Register an image as an environment")
         .post(PAGE + "/scan", Access.admin(Scope.ADMIN), this::scan, "Re-scan kernel images")
         .post(PAGE + "/{env}", Access.admin(Scope.ADMIN), this::update, "Enable, disable, set the network or the name shown")
         .post(PAGE + "/{env}/delete", Access.admin(Scope.ADMIN), this::delete, "Delete an environment");
    }

    /** One table row: the environment as the page shows it. */
    public record Row(String name, String displayName, String description, List<String> imageParts, String shortId, String source,
                      boolean enabled, String network, String language, List<EnvironmentsApi.PackageModel> packages) {
        static Row of(Environment e) {
            // The image reference in its slash-separated parts, so that a narrow column breaks it at a slash.
            return new Row(e.name(), e.displayName(), e.description(), List.of(e.image().split("/")), Environments.shortId(e.imageId()),
                    e.source().name().toLowerCase(Locale.ROOT), e.enabled(), e.network(), e.language(),
                    e.packages().stream().map(EnvironmentsApi.PackageModel::of).toList());
        }
    }

    private void list(Exchange ex) {
        render(ex, 200, "", Map.of(), "", Map.of());
    }

    /**
     * @param error a failed change of one environment, shown at the top
     * @param registering what was typed into the register form, shown again with {@code registerError} under it
     * @param editing the environment whose name form failed, shown open with what was typed ({@code edit})
     */
    private void render(Exchange ex, int status, String error, Map<String, String> registering, String editing,
                        Map<String, String> edit) {
        Map<String, Object> model = new HashMap<>();
        model.put("environments", environments.list().stream().map(Row::of).toList());
        model.put("networkModes", Environment.NETWORK_MODES);
        model.put("error", registering.isEmpty() ? error : "");
        model.put("registerError", registering.isEmpty() ? "" : error);
        Map<String, String> reg = new HashMap<>(Map.of("name", "", "image", "", "display_name", "", "description", ""));
        reg.putAll(registering);
        model.put("reg", reg);
        model.put("editing", editing);
        model.put("edit", edit);
        pages.render(ex, status, "admin/environments", model);
    }

    private void registerImage(Exchange ex) {
        Map<String, String> typed = Map.of("name", ex.formValue("name").strip(), "image", ex.formValue("image").strip(),
                "display_name", ex.formValue("display_name"), "description", ex.formValue("description"));
        Environment e;
        try {
            if (typed.get("name").isEmpty()) {
                throw HttpError.badRequest("Give the environment a name.");
            }
            e = environments.register(EnvironmentsApi.actor(ex), typed.get("name"), typed.get("image"), typed.get("display_name"),
                    typed.get("description"));
        } catch (HttpError failed) {
            render(ex, failed.status(), failed.getMessage(), typed, "", Map.of());
            return;
        }
        pages.flash().success(ex, "Registered " + e.name() + " (" + e.image() + ", " + e.packages().size()
                + " packages recorded). Users can start it now.");
        ex.redirect(PAGE);
    }

    private void scan(Exchange ex) {
        EnvironmentScanner.Summary s;
        try {
            s = scanner.scan(EnvironmentsApi.actor(ex));
        } catch (PodmanException e) {
            HttpError failed = Environments.podmanError(e);
            render(ex, failed.status(), "The kernel images could not be scanned: " + failed.getMessage(), Map.of(), "", Map.of());
            return;
        }
        pages.flash().success(ex, "Kernel images scanned: " + s.describe() + ".");
        ex.redirect(PAGE);
    }

    /** One form per change: {@code enabled}, {@code network}, or {@code display_name} with {@code description}. */
    private void update(Exchange ex) {
        String name = ex.pathParam("env");
        Environment before = environments.require(name);
        String enabled = ex.form().getValue("enabled");
        String network = ex.form().getValue("network");
        String display = ex.form().getValue("display_name");
        String description = ex.form().getValue("description");
        String done;
        try {
            if (display != null || description != null) {
                environments.setDisplay(EnvironmentsApi.actor(ex), name, display, description);
                done = "Saved the name and description of " + name + ".";
            } else if (network != null) {
                environments.setNetwork(EnvironmentsApi.actor(ex), name, network);
                done = network.equals("none") ? name + " gets no network." : name + " gets network mode " + network + ".";
            } else if (enabled != null) {
                boolean on = enabled.equals("true");
                environments.setEnabled(EnvironmentsApi.actor(ex), name, on);
                done = on ? name + " is enabled: users can start it." : name + " is disabled: users cannot start it; running servers go on.";
            } else {
                throw HttpError.badRequest("Nothing to change: send enabled, network, or display_name and description.");
            }
        } catch (HttpError failed) {
            boolean naming = display != null || description != null;
            render(ex, failed.status(), failed.getMessage(), Map.of(), naming ? before.name() : "", naming
                    ? Map.of("display_name", display == null ? before.displayName() : display,
                             "description", description == null ? before.description() : description)
                    : Map.of());
            return;
        }
        pages.flash().success(ex, done);
        ex.redirect(PAGE);
    }

    private void delete(Exchange ex) {
        String name = ex.pathParam("env");
        Environment e = environments.require(name);
        try {
            environments.delete(EnvironmentsApi.actor(ex), name);
        } catch (HttpError failed) {
            render(ex, failed.status(), failed.getMessage(), Map.of(), "", Map.of());
            return;
        }
        pages.flash().success(ex, "Deleted the environment " + name + "; the image stays in Podman."
                + (e.source() == Environment.Source.RECIPE ? " The next scan of kernel images registers it again." : ""));
        ex.redirect(PAGE);
    }
}
