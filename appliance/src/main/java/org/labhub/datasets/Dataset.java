package org.labhub.datasets;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A host folder an admin registered under a name; it appears read-only at {@code /data/<name>} in the containers
 * of those who may see it. {@code restricted} with no {@code groups} left (they were deleted) means admins only.
 */
public record Dataset(long id, String name, Path hostPath, String description, boolean restricted, List<String> groups,
                      Instant createdAt, Instant updatedAt) {

    /** A single path segment under /data: no slashes, no leading dot, no {@code ..}. */
    public static final String NAME_PATTERN = "[a-z0-9][a-z0-9._-]{0,62}";
    /** Where datasets appear inside notebook containers. */
    public static final String CONTAINER_ROOT = "/data";
    public static final int MAX_DESCRIPTION = 2000;

    public Dataset {
        groups = List.copyOf(groups);
    }

    /** {@code /data/<name>}: where the user finds it in their notebook. */
    public String mountPoint() {
        return CONTAINER_ROOT + "/" + name;
    }

    /** Whether someone in these groups sees this dataset (admins always do). */
    public boolean visibleTo(boolean admin, List<String> memberOf) {
        return admin || !restricted || groups.stream().anyMatch(memberOf::contains);
    }

    public static String checkName(String name) {
        if (name == null || !name.matches(NAME_PATTERN)) {
            throw new IllegalArgumentException("a dataset name is 1 to 63 lowercase letters, digits, '.', '-' or '_', "
                    + "starting with a letter or digit (it becomes the folder /data/<name>)");
        }
        return name;
    }
}
