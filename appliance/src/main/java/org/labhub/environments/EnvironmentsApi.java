package org.labhub.environments;

import java.util.List;
import java.util.Locale;
import org.labhub.auth.Principal;
import org.labhub.auth.Scope;
import org.labhub.podman.PodmanException;
import org.labhub.users.Accounts;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Routes;

/** {@code /api/environments…}: users see the enabled environments; admins see all, register images and change them. */
public final class EnvironmentsApi implements Routes.Provider {
    private final Environments environments;
    private final EnvironmentScanner scanner;

    public EnvironmentsApi(Environments environments, EnvironmentScanner scanner) {
        this.environments = environments;
        this.scanner = scanner;
    }

    @Override
    public void register(Routes r) {
        r.get("/api/environments", Access.user(Scope.READ), this::list, "List environments (admins also see disabled ones)")
         .post("/api/environments", Access.admin(Scope.ADMIN), this::create,
                 "Register an image in Podman as an environment: name, image, display_name, description")
         .post("/api/environments/scan", Access.admin(Scope.ADMIN), this::scan,
                 "Register kernel images built by ./labhub kernels build, and follow rebuilt ones")
         .get("/api/environments/{env}", Access.user(Scope.READ), this::get, "Get an environment with its packages")
         .patch("/api/environments/{env}", Access.admin(Scope.ADMIN), this::patch,
                 "Change an environment: enabled, network (none|bridge), display_name, description")
         .delete("/api/environments/{env}", Access.admin(Scope.ADMIN), this::delete,
                 "Delete an environment (refused while a server made from it is not stopped)");
    }

    record EnvironmentModel(String name, String displayName, String description, String image, String imageId, String imageDigest,
                            String source, boolean enabled, String network, String language, int packageCount) {
        static EnvironmentModel of(Environment e) {
            return new EnvironmentModel(e.name(), e.displayName(), e.description(), e.image(), e.imageId(), e.imageDigest(),
                    e.source().name().toLowerCase(Locale.ROOT), e.enabled(), e.network(), e.language(), e.packages().size());
        }
    }

    record PackageModel(String name, String version) {
        static PackageModel of(String line) {
            int tab = line.indexOf('\t');
            return tab < 0 ? new PackageModel(line, "") : new PackageModel(line.substring(0, tab), line.substring(tab + 1));
        }
    }

    record DetailModel(String name, String displayName, String description, String image, String imageId, String imageDigest,
                       String source, boolean enabled, String network, String language, int packageCount,
                       List<PackageModel> packages) {
        static DetailModel of(Environment e) {
            EnvironmentModel m = EnvironmentModel.of(e);
            return new DetailModel(m.name(), m.displayName(), m.description(), m.image(), m.imageId(), m.imageDigest(), m.source(),
                    m.enabled(), m.network(), m.language(), m.packageCount(), e.packages().stream().map(PackageModel::of).toList());
        }
    }

    record Create(String name, String image, String displayName, String description) {}

    record Patch(Boolean enabled, String network, String displayName, String description) {}

    private void list(Exchange ex) {
        List<Environment> visible = ex.principal().isAdmin() ? environments.list() : environments.enabled();
        ex.json(200, visible.stream().map(EnvironmentModel::of).toList());
    }

    private void get(Exchange ex) {
        ex.json(200, DetailModel.of(visible(ex.principal(), ex.pathParam("env"))));
    }

    /** A disabled environment does not exist for users: the same 404 as an unknown one. */
    private Environment visible(Principal p, String name) {
        Environment e = environments.require(name);
        if (!e.enabled() && !p.isAdmin()) {
            throw HttpError.notFound("there is no environment called \"" + name + "\"");
        }
        return e;
    }

    private void create(Exchange ex) {
        Create body = ex.jsonBody(Create.class);
        if (body.name() == null || body.name().isBlank()) {
            throw HttpError.badRequest("give the environment a name");
        }
        Environment e = environments.register(actor(ex), body.name().strip(), body.image(), body.displayName(), body.description());
        ex.json(201, DetailModel.of(e));
    }

    private void patch(Exchange ex) {
        String name = ex.pathParam("env");
        Patch body = ex.jsonBody(Patch.class);
        environments.require(name);
        if (body.network() != null) {
            Environments.checkNetwork(body.network()); // before anything changes
        }
        Accounts.Actor actor = actor(ex);
        if (body.displayName() != null || body.description() != null) {
            environments.setDisplay(actor, name, body.displayName(), body.description()); // checks before it changes
        }
        if (body.network() != null) {
            environments.setNetwork(actor, name, body.network());
        }
        if (body.enabled() != null) {
            environments.setEnabled(actor, name, body.enabled());
        }
        ex.json(200, EnvironmentModel.of(environments.require(name)));
    }

    private void delete(Exchange ex) {
        environments.delete(actor(ex), ex.pathParam("env"));
        ex.noContent();
    }

    private void scan(Exchange ex) {
        try {
            ex.json(200, scanner.scan(actor(ex)));
        } catch (PodmanException e) {
            throw Environments.podmanError(e);
        }
    }

    static Accounts.Actor actor(Exchange ex) {
        return new Accounts.Actor(ex.principal().name(), ex.clientAddress());
    }
}
