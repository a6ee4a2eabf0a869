package org.labhub.environments;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.labhub.audit.AuditLog;
import org.labhub.config.ByteSize;
import org.labhub.users.Accounts;
import org.labhub.users.GroupStore;
import org.labhub.web.HttpError;

/** Resource profiles, who may choose which, and what admins may change. Every change is audited. */
public final class Profiles {
    static final int DEFAULT_PIDS_LIMIT = 512;

    private final ProfileStore store;
    private final GroupStore groups;
    private final AuditLog audit;
    private final Clock clock;

    public Profiles(ProfileStore store, GroupStore groups, AuditLog audit, Clock clock) {
        this.store = store;
        this.groups = groups;
        this.audit = audit;
        this.clock = clock;
    }

    /** On a fresh catalog, offers a small and a large profile so that users can start servers at once. */
    public void seedDefaults(Instant now) {
        if (store.count() == 0) {
            store.insert(new ProfileStore.Fields("small", "Small: 1 CPU, 2 GB", 1, 2L << 30, 512, true, 0, List.of()), now);
            store.insert(new ProfileStore.Fields("large", "Large: 2 CPUs, 8 GB", 2, 8L << 30, 1024, false, 1, List.of()), now);
        }
    }

    /** Every profile, in the admin's order. */
    public List<Profile> list() {
        return store.list();
    }

    /** The profiles this person may choose, in the admin's order. */
    public List<Profile> availableTo(boolean admin, List<String> groups) {
        return store.list().stream().filter(p -> p.openTo(admin, groups)).toList();
    }

    /**
     * The profile to start with: the named one if this person may use it, the default one when none is named.
     * Unknown names are a 400 listing the choices; a profile restricted to other groups is a 403 saying which.
     */
    public Profile require(String name, boolean admin, List<String> groups) {
        List<Profile> open = availableTo(admin, groups);
        if (name == null || name.isBlank()) {
            return open.stream().filter(Profile::isDefault).findFirst()
                    .or(() -> open.stream().findFirst())
                    .orElseThrow(() -> HttpError.forbidden("no resource profile is open to you; ask an administrator"));
        }
        Profile p = store.byName(name).orElseThrow(() -> HttpError.badRequest("there is no resource profile called \"" + name
                + "\"; choose one of: " + String.join(", ", open.stream().map(Profile::name).toList())));
        if (!p.openTo(admin, groups)) {
            throw HttpError.forbidden("the profile \"" + name + "\" is only for members of " + String.join(", ", p.groups())
                    + "; choose one of: " + String.join(", ", open.stream().map(Profile::name).toList()));
        }
        return p;
    }

    /** The profile called {@code name}, or a 404 (for admins, who see them all). */
    public Profile named(String name) {
        return store.byName(name).orElseThrow(() -> HttpError.notFound("there is no resource profile called \"" + name + "\""));
    }

    /**
     * What an admin gives for a profile. A null leaves the field as it is (on update) or takes the default (on
     * create: no groups, 512 processes, not the default, after the others); memory as people write it ({@code 2G}).
     */
    public record Draft(String displayName, Double cpus, String memory, Integer pidsLimit, Boolean isDefault, Integer sortOrder,
                        List<String> groups) {}

    public Profile create(Accounts.Actor actor, String name, Draft d) {
        try {
            Profile.checkName(name);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        if (store.byName(name).isPresent()) {
            throw HttpError.conflict("a resource profile called \"" + name + "\" already exists");
        }
        if (d.cpus() == null) {
            throw HttpError.badRequest("give cpus, e.g. 1 or 0.5");
        }
        if (d.memory() == null || d.memory().isBlank()) {
            throw HttpError.badRequest("give memory, e.g. 2G or 512M");
        }
        int after = store.list().stream().mapToInt(Profile::sortOrder).max().orElse(-1) + 1;
        ProfileStore.Fields f = fields(name, d.displayName() == null || d.displayName().isBlank() ? name : d.displayName(),
                d.cpus(), memory(d.memory()), d.pidsLimit() == null ? DEFAULT_PIDS_LIMIT : d.pidsLimit(),
                Boolean.TRUE.equals(d.isDefault()), d.sortOrder() == null ? after : d.sortOrder(),
                d.groups() == null ? List.of() : d.groups());
        Profile p;
        try {
            p = store.insert(f, clock.instant());
        } catch (RuntimeException e) {
            if (store.byName(name).isPresent()) {
                throw HttpError.conflict("a resource profile called \"" + name + "\" already exists");
            }
            throw e;
        }
        audit.record(actor.name(), "profile.create", name, AuditLog.Outcome.OK, actor.address(), describe(p));
        return p;
    }

    /** Changes the fields given (nulls in {@code d} keep the current values). */
    public Profile update(Accounts.Actor actor, String name, Draft d) {
        Profile old = named(name);
        ProfileStore.Fields f = fields(name, d.displayName() == null ? old.displayName() : d.displayName(),
                d.cpus() == null ? old.cpus() : d.cpus(), d.memory() == null ? old.memoryBytes() : memory(d.memory()),
                d.pidsLimit() == null ? old.pidsLimit() : d.pidsLimit(), d.isDefault() == null ? old.isDefault() : d.isDefault(),
                d.sortOrder() == null ? old.sortOrder() : d.sortOrder(), d.groups() == null ? old.groups() : d.groups());
        Profile p = store.update(f);
        audit.record(actor.name(), "profile.update", name, AuditLog.Outcome.OK, actor.address(), describe(p));
        return p;
    }

    /** Deletes a profile; refused while a server using it is not stopped, and for the last profile there is. */
    public void delete(Accounts.Actor actor, String name) {
        Profile p = named(name);
        int active = store.activeServers(name);
        if (active > 0) {
            throw HttpError.conflict("the profile \"" + name + "\" is in use by " + active + " server" + (active == 1 ? "" : "s")
                    + " that " + (active == 1 ? "is" : "are") + " not stopped; stop " + (active == 1 ? "it" : "them") + " first");
        }
        if (store.count() == 1) {
            throw HttpError.conflict("\"" + name + "\" is the last resource profile; users need one to start a server, "
                    + "so create another first");
        }
        store.delete(name);
        audit.record(actor.name(), "profile.delete", name, AuditLog.Outcome.OK, actor.address(), describe(p));
    }

    /** Checks every field, naming the first bad one; the groups must exist. */
    private ProfileStore.Fields fields(String name, String displayName, double cpus, long memoryBytes, int pidsLimit,
                                       boolean isDefault, int sortOrder, List<String> groupNames) {
        String display = displayName.strip();
        if (display.isEmpty()) {
            throw HttpError.badRequest("display_name must not be empty");
        }
        if (display.length() > Environments.MAX_DISPLAY_NAME) {
            throw HttpError.badRequest("display_name is limited to " + Environments.MAX_DISPLAY_NAME + " characters");
        }
        List<String> wanted = new ArrayList<>();
        for (String g : groupNames) {
            String group = g == null ? "" : g.strip();
            if (group.isEmpty() || wanted.contains(group)) {
                continue;
            }
            if (groups.byName(group).isEmpty()) {
                throw HttpError.badRequest("there is no group named \"" + group + "\"");
            }
            wanted.add(group);
        }
        try {
            Profile.checkLimits(cpus, memoryBytes, pidsLimit);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        return new ProfileStore.Fields(name, display, cpus, memoryBytes, pidsLimit, isDefault, sortOrder, wanted);
    }

    private static long memory(String text) {
        try {
            return ByteSize.parse(text);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("memory: " + e.getMessage());
        }
    }

    private static String describe(Profile p) {
        return p.cpus() + " CPUs, " + ByteSize.format(p.memoryBytes()) + ", " + p.pidsLimit() + " processes"
                + (p.isDefault() ? ", default" : "") + (p.restricted() ? ", for " + String.join(", ", p.groups()) : "");
    }
}
