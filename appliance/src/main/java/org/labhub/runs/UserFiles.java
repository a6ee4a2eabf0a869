package org.labhub.runs;

import java.util.List;
import org.labhub.podman.ContainerSpec;

/**
 * The owner's files a run sees, as their notebook server sees them: the home read-write at the same place, the items
 * shared with them, the datasets they may read; and the folder the kernel starts in (the notebook's own folder), so
 * that {@code open('data.csv')} next to the notebook works in a batch job as it does interactively.
 *
 * @param workingDir an absolute path inside the container
 */
public record UserFiles(List<ContainerSpec.Mount> mounts, String workingDir) {
    public UserFiles {
        mounts = List.copyOf(mounts);
        if (!workingDir.startsWith("/")) {
            throw new IllegalArgumentException("the working folder must be absolute: " + workingDir);
        }
    }
}
