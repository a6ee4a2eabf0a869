package org.labhub.environments;

import java.time.Instant;
import java.util.List;

/**
 * What one notebook server may use: CPUs, memory and processes. Open to everyone unless {@code groups}
 * names the groups whose members (and admins) may choose it.
 */
public record Profile(long id, String name, String displayName, double cpus, long memoryBytes, int pidsLimit,
                      boolean isDefault, int sortOrder, List<String> groups, Instant createdAt) {

    public static final String NAME_PATTERN = "[a-z][a-z0-9_-]{0,63}";
    /** Bounds that keep a typo from asking Podman for something absurd. */
    public static final double MAX_CPUS = 256;
    public static final long MIN_MEMORY = 64L << 20;
    public static final int MIN_PIDS = 32;
    public static final int MAX_PIDS = 1_000_000;

    public Profile {
        groups = List.copyOf(groups);
    }

    public boolean restricted() {
        return !groups.isEmpty();
    }

    /** Whether someone in these groups may choose this profile (admins always may). */
    public boolean openTo(boolean admin, List<String> memberOf) {
        return admin || groups.isEmpty() || groups.stream().anyMatch(memberOf::contains);
    }

    public static String checkName(String name) {
        if (name == null || !name.matches(NAME_PATTERN)) {
            throw new IllegalArgumentException("a profile name is 1 to 64 lowercase letters, digits, - or _, starting with a letter");
        }
        return name;
    }

    /** Checks the limits, naming the first bad one. */
    public static void checkLimits(double cpus, long memoryBytes, int pidsLimit) {
        if (!(cpus > 0 && cpus <= MAX_CPUS)) {
            throw new IllegalArgumentException("cpus must be more than 0 and at most " + (int) MAX_CPUS);
        }
        if (memoryBytes < MIN_MEMORY) {
            throw new IllegalArgumentException("memory must be at least 64M");
        }
        if (pidsLimit < MIN_PIDS || pidsLimit > MAX_PIDS) {
            throw new IllegalArgumentException("pids_limit must be between " + MIN_PIDS + " and " + MAX_PIDS);
        }
    }
}
