package org.labhub.environments;

import java.util.List;
import org.labhub.web.HttpError;

/** The environments users may start, and the rules for choosing one. */
public final class Environments {
    private final EnvironmentStore store;

    public Environments(EnvironmentStore store) {
        this.store = store;
    }

    /** Every environment, disabled ones too (servers started from one keep showing its name). */
    public List<Environment> all() {
        return store.list();
    }

    public List<Environment> enabled() {
        return store.list().stream().filter(Environment::enabled).toList();
    }

    /** The environment to start, or a 400 that says which ones there are. */
    public Environment requireStartable(String name) {
        if (name == null || name.isBlank()) {
            throw HttpError.badRequest("choose an environment: " + names());
        }
        Environment e = store.byName(name).orElseThrow(() ->
                HttpError.badRequest("there is no environment called \"" + name + "\"; choose one of: " + names()));
        if (!e.enabled()) {
            throw HttpError.badRequest("the environment \"" + name + "\" is disabled by an administrator; choose one of: " + names());
        }
        return e;
    }

    private String names() {
        List<String> names = enabled().stream().map(Environment::name).toList();
        return names.isEmpty() ? "(none yet: an administrator must build or register one)" : String.join(", ", names);
    }
}
