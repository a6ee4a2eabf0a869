package org.labhub.environments;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.labhub.auth.Principal;
import org.labhub.auth.Scope;
import org.labhub.config.ByteSize;
import org.labhub.users.GroupStore;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Routes;

/** {@code /api/profiles…}: each user sees the resource profiles open to them; admins see and change all. */
public final class ProfilesApi implements Routes.Provider {
    private final Profiles profiles;
    private final GroupStore groups;

    public ProfilesApi(Profiles profiles, GroupStore groups) {
        this.profiles = profiles;
        this.groups = groups;
    }

    @Override
    public void register(Routes r) {
        r.get("/api/profiles", Access.user(Scope.READ), this::list, "List the resource profiles open to the caller (admins: all)")
         .post("/api/profiles", Access.admin(Scope.ADMIN), this::create,
                 "Create a resource profile: name, display_name, cpus, memory (\"2G\"), pids_limit, default, sort_order, groups")
         .patch("/api/profiles/{profile}", Access.admin(Scope.ADMIN), this::patch, "Change a resource profile (any of its fields)")
         .delete("/api/profiles/{profile}", Access.admin(Scope.ADMIN), this::delete,
                 "Delete a resource profile (refused while a server using it is not stopped)");
    }

    record ProfileModel(String name, String displayName, double cpus, long memory, String memoryText, int pidsLimit,
                        @JsonProperty("default") boolean isDefault, int sortOrder, List<String> groups) {
        static ProfileModel of(Profile p) {
            return new ProfileModel(p.name(), p.displayName(), p.cpus(), p.memoryBytes(), ByteSize.format(p.memoryBytes()),
                    p.pidsLimit(), p.isDefault(), p.sortOrder(), p.groups());
        }
    }

    record Body(String name, String displayName, Double cpus, String memory, Integer pidsLimit,
                @JsonProperty("default") Boolean isDefault, Integer sortOrder, List<String> groups) {
        Profiles.Draft draft() {
            return new Profiles.Draft(displayName, cpus, memory, pidsLimit, isDefault, sortOrder, groups);
        }
    }

    private void list(Exchange ex) {
        Principal p = ex.principal();
        List<String> memberOf = p.user().map(u -> groups.groupsOf(u.id())).orElse(List.of());
        ex.json(200, profiles.availableTo(p.isAdmin(), memberOf).stream().map(ProfileModel::of).toList());
    }

    private void create(Exchange ex) {
        Body body = ex.jsonBody(Body.class);
        if (body.name() == null || body.name().isBlank()) {
            throw HttpError.badRequest("give the profile a name");
        }
        ex.json(201, ProfileModel.of(profiles.create(EnvironmentsApi.actor(ex), body.name().strip(), body.draft())));
    }

    private void patch(Exchange ex) {
        String name = ex.pathParam("profile");
        Body body = ex.jsonBody(Body.class);
        if (body.name() != null && !body.name().equals(name)) {
            throw HttpError.badRequest("a profile cannot be renamed; create a new one and delete this one");
        }
        ex.json(200, ProfileModel.of(profiles.update(EnvironmentsApi.actor(ex), name, body.draft())));
    }

    private void delete(Exchange ex) {
        profiles.delete(EnvironmentsApi.actor(ex), ex.pathParam("profile"));
        ex.noContent();
    }
}
