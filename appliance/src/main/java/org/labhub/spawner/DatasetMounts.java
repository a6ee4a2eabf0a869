package org.labhub.spawner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.labhub.datasets.Dataset;
import org.labhub.datasets.DatasetFolders;
import org.labhub.datasets.Datasets;
import org.labhub.podman.ContainerSpec;
import org.labhub.users.GroupStore;
import org.labhub.users.User;
import org.labhub.users.UserStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the datasets a user may see appear read-only at {@code /data/<name>} in their container, at each start
 * (docs/adr/0013). {@code /data} is always there, a small tmpfs owned by the container's root, so notebooks may
 * count on the folder even when there are none. Each folder is checked again here, since the host may have changed
 * since it was registered; one that vanished or became a link is left out and logged: it never stops a start.
 */
public final class DatasetMounts {
    private static final Logger log = LoggerFactory.getLogger(DatasetMounts.class);
    /** Holds only the mount points. */
    private static final long DATA_TMPFS = 1 << 20;

    private final Datasets datasets;
    private final DatasetFolders folders;
    private final UserStore users;
    private final GroupStore groups;

    public DatasetMounts(Datasets datasets, DatasetFolders folders, UserStore users, GroupStore groups) {
        this.datasets = datasets;
        this.folders = folders;
        this.users = users;
        this.groups = groups;
    }

    /** The mounts for this user's container: {@code /data}, then one read-only bind per dataset they see. */
    public List<ContainerSpec.Mount> prepare(long userId) {
        List<ContainerSpec.Mount> mounts = new ArrayList<>();
        mounts.add(ContainerSpec.Mount.tmpfs(Dataset.CONTAINER_ROOT, DATA_TMPFS, "755"));
        User user = users.byId(userId).orElse(null);
        if (user == null) {
            return mounts;
        }
        for (Dataset d : datasets.visibleTo(user.admin(), groups.groupsOf(userId))) {
            try {
                Path source = folders.check(d.hostPath().toString());
                // "bind", not "rbind": mounts made later inside the folder (possibly writable) are not carried along.
                mounts.add(new ContainerSpec.Mount("bind", source.toString(), d.mountPoint(), List.of("bind", "ro", "nosuid", "nodev")));
            } catch (IllegalArgumentException e) {
                log.atWarn().addKeyValue("user", user.name()).addKeyValue("dataset", d.name()).addKeyValue("path", d.hostPath())
                        .log("a dataset is left out of the container: {}", e.getMessage());
            }
        }
        return mounts;
    }
}
