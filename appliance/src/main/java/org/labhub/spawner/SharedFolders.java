package org.labhub.spawner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.labhub.files.Permission;
import org.labhub.files.ShareLookup;
import org.labhub.podman.ContainerSpec;
import org.labhub.storage.RelPath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes what others shared with a user appear in their container at {@code ~/shared/<owner>/<name>}: one bind
 * mount per shared item, read-only unless the share lets them write. Each user's container runs as its own host
 * uid (docs/adr/0009), and homes are private to their owner, so the recipient's uid is also given a POSIX ACL on
 * the item (read, or read-write; inherited by new files) and search-only ({@code x}) on the folders above it.
 * ACLs are checked by the kernel on host ids, so they work across user namespaces where groups cannot.
 */
public final class SharedFolders {
    private static final Logger log = LoggerFactory.getLogger(SharedFolders.class);
    /** Under the container's home: a small tmpfs holds the mount points, so none are made in the real home. */
    static final String CONTAINER_SHARED = NotebookContainers.CONTAINER_HOME + "/shared";

    private final Path homes;
    private final ShareLookup shares;

    public SharedFolders(Path homes, ShareLookup shares) {
        this.homes = homes.toAbsolutePath().normalize();
        this.shares = shares;
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
        for (ShareLookup.Incoming in : incoming) {
            String target = CONTAINER_SHARED + "/" + in.owner() + "/" + in.name();
            if (!taken.add(target)) {
                continue; // a second share under the same name: the first one is shown, as in the file browser
            }
            try {
                Path source = checkedSource(in.owner(), in.grant().path());
                boolean write = in.grant().permissions().contains(Permission.UPDATE)
                        || in.grant().permissions().contains(Permission.CREATE);
                grant(in.owner(), in.grant().path(), source, uid, write);
                mounts.add(ContainerSpec.Mount.bind(source.toString(), target, write ? "rw" : "ro"));
            } catch (IOException e) {
                log.atWarn().addKeyValue("user", user).addKeyValue("owner", in.owner()).addKeyValue("path", in.grant().path())
                        .log("a shared item is left out of the container: {}", e.getMessage());
            }
        }
        return mounts;
    }

    /**
     * The item's host path, walked one name at a time without following links: the owner's container may have
     * replaced a folder with a link to anywhere, and Podman would follow it. (A link swapped in between this check
     * and the mount is a remaining window of a fraction of a second; docs/THREAT_MODEL.md names it.)
     */
    private Path checkedSource(String owner, RelPath path) throws IOException {
        Path p = homes.resolve(RelPath.checkName(owner));
        for (int i = 0; i <= path.depth(); i++) {
            if (i > 0) {
                p = p.resolve(path.names().get(i - 1));
            }
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            boolean last = i == path.depth();
            if (a.isSymbolicLink() || !(a.isDirectory() || (last && a.isRegularFile()))) {
                throw new IOException(p + " is " + (a.isSymbolicLink() ? "a symbolic link" : "not a folder or file"));
            }
        }
        return p;
    }

    private void grant(String owner, RelPath path, Path source, long uid, boolean write) throws IOException {
        Path p = homes.resolve(owner);
        for (int i = 0; i < path.depth(); i++) {
            setfacl(p, false, "u:" + uid + ":x");
            p = p.resolve(path.names().get(i));
        }
        String rights = write ? "rwX" : "rX";
        if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
            setfacl(source, true, "u:" + uid + ":" + rights + ",d:u:" + uid + ":" + rights);
        } else {
            setfacl(source, false, "u:" + uid + ":" + (write ? "rw" : "r"));
        }
    }

    /** {@code setfacl -P}: never follows a link, neither the one named nor any met while recursing. */
    private static void setfacl(Path path, boolean recursive, String entries) throws IOException {
        List<String> command = new ArrayList<>(List.of("setfacl", "-P"));
        if (recursive) {
            command.add("-R");
        }
        command.addAll(List.of("-m", entries, "--", path.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("setfacl took over a minute on " + path);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                throw new IOException("setfacl failed on " + path + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while setting ACLs on " + path, e);
        }
    }
}
