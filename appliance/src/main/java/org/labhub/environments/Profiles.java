package org.labhub.environments;

import java.time.Instant;
import java.util.List;
import org.labhub.web.HttpError;

/** Resource profiles, and who may choose which. */
public final class Profiles {
    private final ProfileStore store;

    public Profiles(ProfileStore store) {
        this.store = store;
    }

    /** On a fresh catalog, offers a small and a large profile so that users can start servers at once. */
    public void seedDefaults(Instant now) {
        if (store.count() == 0) {
            store.insert(new ProfileStore.Fields("small", "Small: 1 CPU, 2 GB", 1, 2L << 30, 512, true, 0, List.of()), now);
            store.insert(new ProfileStore.Fields("large", "Large: 2 CPUs, 8 GB", 2, 8L << 30, 1024, false, 1, List.of()), now);
        }
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
}
