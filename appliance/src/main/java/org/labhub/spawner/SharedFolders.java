package org.labhub.spawner;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.labhub.files.ShareLookup;
import org.labhub.podman.ContainerSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes what others shared with a user appear in their container at {@code ~/shared/<owner>/<name>}: one bind
 * mount per shared item, read-only unless the share lets them write. Each user's container runs as its own host
 * uid (docs/adr/0009), and homes are private to their owner, so the recipient's uid is also given a POSIX ACL on
 * the item (read, or read-write; inherited by new files) and search-only ({@code x}) on the folders above it.
 * ACLs are checked by the kernel on host ids, so they work across user namespaces where groups cannot; {@link ShareAcls}
 * computes them, here at start and again whenever a share is revoked or narrowed.
 */
public final class SharedFolders {
    private static final Logger log = LoggerFactory.getLogger(SharedFolders.class);
    /** Under the container's home: a small tmpfs holds the mount points, so none are made in the real home. */
    static final String CONTAINER_SHARED = NotebookContainers.CONTAINER_HOME + "/shared";

    private final ShareLookup shares;
    private final ShareAcls acls;

    public SharedFolders(ShareLookup shares, ShareAcls acls) {
        this.shares = shares;
        this.acls = acls;
    }

    /** Grants the recipient's uid access to each item shared with them and returns the mounts for their container. */
    public List<ContainerSpec.Mount> prepare(String user, long uid) {
        List<ShareLookup.Incoming> incoming = shares.incoming(user);
        if (incoming.isEmpty()) {
            return List.of();
        }
        List<ContainerSpec.Mount> mounts = new ArrayList<>();
        mounts.add(ContainerSpec.Mount.tmpfs(CONTAINER_SHARED, 1 << 20, "755"));
        Set<String> taken = new HashSet<>();
        Map<String, List<ShareLookup.Grant>> grantsByOwner = new HashMap<>();
        // Shallowest first: a folder's recursive entries must not overwrite what a share deeper inside gives.
        for (ShareLookup.Incoming in : incoming.stream().sorted(Comparator.comparingInt(i -> i.grant().path().depth())).toList()) {
            String target = CONTAINER_SHARED + "/" + in.owner() + "/" + in.name();
            if (!taken.add(target)) {
                continue; // a second share under the same name: the first one is shown, as in the file browser
            }
            try {
                Path source = acls.checkedSource(in.owner(), in.grant().path())
                        .orElseThrow(() -> new IOException(in.grant().path() + " is missing, a symbolic link, or not a folder or file"));
                List<ShareLookup.Grant> grants = grantsByOwner.computeIfAbsent(in.owner(), o -> shares.grantsTo(user, o));
                acls.grant(in.owner(), in.grant().path(), source, uid, ShareAcls.level(grants, in.grant().path()));
                boolean write = ShareAcls.writes(in.grant().permissions());
                mounts.add(ContainerSpec.Mount.bind(source.toString(), target, write ? "rw" : "ro"));
            } catch (IOException e) {
                log.atWarn().addKeyValue("user", user).addKeyValue("owner", in.owner()).addKeyValue("path", in.grant().path())
                        .log("a shared item is left out of the container: {}", e.getMessage());
            }
        }
        return mounts;
    }
}
