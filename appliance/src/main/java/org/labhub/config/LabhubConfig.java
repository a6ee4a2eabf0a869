package org.labhub.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The whole configuration, parsed once at start-up and never changed afterwards. */
public record LabhubConfig(Path dataRoot, Http http, Tls tls, Auth auth, Podman podman, Spawner spawner, Runs runs,
                           Proxy proxy, Storage storage, Search search, Logging logging, Archives archives) {

    public record Http(String bind, int port, Optional<String> publicUrl, boolean forwardedHeaders, Duration shutdownGrace) {}

    /** Either no TLS, a certificate/key pair from files, or a self-signed pair generated under the data root. */
    public record Tls(Optional<Path> certificate, Optional<Path> privateKey, boolean selfSigned) {
        public boolean enabled() {
            return selfSigned || certificate.isPresent();
        }
    }

    public record Auth(String adminUser, Duration sessionIdleTimeout, Duration sessionMaxAge, boolean signup,
                       Throttle throttle, Argon2 argon2) {}

    public record Throttle(int freeFailures, int accountLockout, int addressLockout, Duration window, Duration baseDelay) {}

    public record Argon2(int memoryKib, int iterations, int maxConcurrent) {}

    /** The Podman service to use: {@code socket} if set, else one labhub runs itself; {@code runtime} may be empty. */
    public record Podman(Optional<Path> socket, String runtime) {}

    /** Limits and timeouts of notebook servers; an idle timeout of zero means servers are never culled. */
    public record Spawner(Duration startTimeout, Duration idleTimeout, int maxRunning, int maxConcurrentSpawns,
                          int maxNamedServers, Duration stopTimeout) {}

    /** Notebook runs without a person at the keyboard (batch jobs, preserve runs): how many at once, and for how long at most. */
    public record Runs(int maxConcurrent, Duration maxDuration) {}

    /**
     * @param userDomain when present, each user's server is served at {@code <user>.<userDomain>} (its own origin)
     */
    public record Proxy(boolean adminAccess, Optional<String> userDomain, Duration websocketIdleTimeout,
                        Duration websocketConnectTimeout, int maxFrameBytes) {}

    /** @param defaultQuotaBytes each user's quota unless an admin set another; 0 means no limit */
    public record Storage(long defaultQuotaBytes, Duration trashRetention) {}

    /**
     * @param maxTextBytes text indexed per file (or per notebook, extracted)
     * @param maxNotebookBytes notebooks larger than this are indexed by metadata only
     * @param commitInterval how often the index is committed (durable)
     * @param reconcileInterval how often homes are compared with the index
     */
    /** @param maxWatchedFolders folders watched with inotify at most; 0: as many as the kernel allows */
    public record Search(long maxTextBytes, long maxNotebookBytes, Duration commitInterval, Duration reconcileInterval,
                         int maxWatchedFolders) {}

    public record Logging(String level, String format) {}

    /**
     * @param scrubInterval how often every archive is verified in full
     * @param maxImportBytes largest unpacked archive an import accepts
     */
    public record Archives(Duration scrubInterval, long maxImportBytes) {}
}
