package org.labhub.config;

import java.nio.file.Path;

/** Names every path labhub uses under its data root, so the layout is readable in one place. */
public final class SitePaths {
    private final Path root;

    public SitePaths(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() { return root; }
    /** Derby catalog: the truth for metadata. */
    public Path db() { return root.resolve("db"); }
    /** Users' files: the truth for content. */
    public Path homes() { return root.resolve("homes"); }
    /** Lucene index: derived, rebuildable. */
    public Path index() { return root.resolve("index"); }
    /** Homes of deleted users that an admin chose to keep, out of reach of any new account with the same name. */
    /** Where uploads are written before one rename puts them in a home; must share the homes' filesystem. */
    public Path staging() { return root.resolve("staging"); }
    /** Deleted files, per user, until restored or expired; outside the homes so containers cannot touch it. */
    public Path trash() { return root.resolve("trash"); }
    /** WebDAV dead properties, one file per owner, outside the homes so containers cannot edit them. */
    public Path davProps() { return root.resolve("dav-props"); }
    /** Pieces of restartable uploads through the file API, until committed (hub-only, cleared at start). */
    public Path uploads() { return root.resolve("uploads"); }
    public Path retainedHomes() { return root.resolve("retained-homes"); }
    public Path archives() { return root.resolve("archives"); }
    /**
     * Run folders of notebooks run without a person: {@code runs/<job-id>/} (kept with the job: the notebook, its
     * executed copy, run.log) and the preserve and re-run folders (copies, deleted when the run ends).
     */
    public Path runs() { return root.resolve("runs"); }
    /** Sockets and other runtime-only files. */
    public Path run() { return root.resolve("run"); }
    /** The run driver that every run container mounts read-only. */
    public Path runEngine() { return run().resolve("engine"); }
    public Path datasets() { return root.resolve("datasets"); }
    /** Generated keys and passwords, mode 0700 / 0600. */
    public Path secrets() { return root.resolve("secrets"); }
    public Path adminPassword() { return secrets().resolve("admin-password"); }
    public Path sessionKey() { return secrets().resolve("session-key"); }
    public Path tlsDir() { return secrets().resolve("tls"); }
    /** Held with an OS file lock while a hub runs, so a second hub on the same root refuses to start. */
    public Path lockFile() { return root.resolve("labhub.lock"); }
    /** Local control socket for the CLI (backup while running); protected by file permissions. */
    /** One folder per user, one per server in it, holding the notebook's socket (bind-mounted into the container). */
    public Path userRuns() { return run().resolve("users"); }
    /** This hub's id, which its containers carry so that hubs sharing a Podman never touch each other's. */
    public Path hubId() { return secrets().resolve("hub-id"); }
    public Path controlSocket() { return run().resolve("control.sock"); }
    public Path defaultConfigFile() { return root.resolve("labhub.conf"); }
}
