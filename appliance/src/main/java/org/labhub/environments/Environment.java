package org.labhub.environments;

import java.time.Instant;
import java.util.List;

/**
 * A notebook image users may start, as the catalog records it.
 *
 * @param image the reference containers are created from (a content-hash tag for recipes)
 * @param imageId Podman's image id when it was registered: the exact bytes this environment means
 * @param network the Podman network mode admins allow for it: {@code none} unless they chose {@code bridge}
 * @param packages {@code package<TAB>version} lines recorded in the image; empty when it records none
 */
public record Environment(long id, String name, String displayName, String description, String image, String imageId,
                          String imageDigest, Source source, boolean enabled, String network, String language,
                          List<String> packages, Instant createdAt, Instant updatedAt) {

    /** Where an environment came from. */
    public enum Source {
        /** built by {@code ./labhub kernels build} and registered from its labels */
        RECIPE,
        /** any image in Podman that an admin registered */
        IMAGE
    }

    /** Network modes an admin may allow; notebooks get none unless allowed. */
    public static final List<String> NETWORK_MODES = List.of("none", "bridge");

    public static final String NAME_PATTERN = "[a-z][a-z0-9_-]{0,63}";

    public Environment {
        packages = List.copyOf(packages);
    }

    public static String checkName(String name) {
        if (name == null || !name.matches(NAME_PATTERN)) {
            throw new IllegalArgumentException("an environment name is 1 to 64 lowercase letters, digits, - or _, starting with a letter");
        }
        return name;
    }
}
