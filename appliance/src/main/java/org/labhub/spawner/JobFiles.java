package org.labhub.spawner;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.labhub.podman.ContainerSpec;
import org.labhub.runs.UserFiles;
import org.labhub.storage.HostIds;
import org.labhub.storage.RelPath;

/**
 * What a batch job sees of its owner's files: exactly what their notebook server sees (the home read-write, the
 * items shared with them under {@code ~/shared}, the datasets under {@code /data}), prepared the same way (ownership,
 * share ACLs), so a notebook that works interactively works as a job.
 */
public final class JobFiles {
    private final NotebookContainers containers;
    private final SharedFolders sharedFolders;
    private final DatasetMounts datasetMounts;

    public JobFiles(NotebookContainers containers, SharedFolders sharedFolders, DatasetMounts datasetMounts) {
        this.containers = containers;
        this.sharedFolders = sharedFolders;
        this.datasetMounts = datasetMounts;
    }

    /**
     * @param folder the notebook's folder as the owner names it in their files ({@code analysis},
     *               {@code shared/alice/project}): the kernel starts there
     */
    public UserFiles prepare(String user, long userId, RelPath folder) throws IOException {
        List<ContainerSpec.Mount> mounts = new ArrayList<>();
        mounts.add(ContainerSpec.Mount.bind(containers.prepareHome(user, userId).toString(), NotebookContainers.CONTAINER_HOME, "rw"));
        mounts.addAll(sharedFolders.prepare(user, HostIds.owner(userId)));
        mounts.addAll(datasetMounts.prepare(userId));
        return new UserFiles(mounts, NotebookContainers.CONTAINER_HOME + (folder.isRoot() ? "" : "/" + folder));
    }
}
