package org.labhub.config;

import java.time.Duration;
import java.util.List;

/** Every configuration key labhub understands, with its default and meaning. The single source for docs/configuration.md. */
public final class Settings {
    private Settings() {}

    public static final Setting<String> DATA_ROOT = Setting.text("data.root", "./data",
            "Folder that holds everything labhub keeps: catalog, homes, index, archives, secrets.");

    public static final Setting<String> HTTP_BIND = Setting.text("http.bind", "127.0.0.1",
            "Address the hub listens on. Use 0.0.0.0 to serve a network (then configure TLS).");
    public static final Setting<Integer> HTTP_PORT = Setting.integer("http.port", 8080, 0, 65535,
            "TCP port of the hub; 0 picks a free port (tests).");
    public static final Setting<String> HTTP_PUBLIC_URL = Setting.text("http.public_url", "",
            "The URL people use to reach the hub, e.g. https://lab.example.org. Empty: taken from each request's Host header. Used for the CSRF origin check behind a reverse proxy.");
    public static final Setting<Boolean> HTTP_FORWARDED_HEADERS = Setting.bool("http.forwarded_headers", false,
            "Trust Forwarded / X-Forwarded-For / -Proto / -Host from a reverse proxy in front of the hub, so logins are throttled by the real client address. Only enable it when the hub is reachable through that proxy alone.");
    public static final Setting<Duration> HTTP_SHUTDOWN_GRACE = Setting.duration("http.shutdown_grace", "10s",
            "On shutdown, how long in-flight requests may take to finish.");

    public static final Setting<String> TLS_CERTIFICATE = Setting.text("tls.certificate", "",
            "PEM file with the server certificate (and chain). With tls.private_key, the hub serves HTTPS only.");
    public static final Setting<String> TLS_PRIVATE_KEY = Setting.text("tls.private_key", "",
            "PEM file with the private key of tls.certificate (PKCS#8 or PKCS#1, unencrypted).");
    public static final Setting<Boolean> TLS_SELF_SIGNED = Setting.bool("tls.self_signed", false,
            "Serve HTTPS with a self-signed certificate generated once under <data>/secrets/tls/ (for a lab without a CA).");

    public static final Setting<String> AUTH_ADMIN_USER = Setting.text("auth.admin_user", "admin",
            "Name of the first administrator, created at the first start with a generated password.");
    public static final Setting<Duration> AUTH_SESSION_IDLE = Setting.duration("auth.session_idle_timeout", "12h",
            "A session unused this long ends.");
    public static final Setting<Duration> AUTH_SESSION_MAX_AGE = Setting.duration("auth.session_max_age", "14d",
            "A session ends this long after login, used or not.");
    public static final Setting<Boolean> AUTH_SIGNUP = Setting.bool("auth.signup", false,
            "Let people request an account on the login page; an admin approves each request.");
    public static final Setting<Integer> AUTH_FREE_ATTEMPTS = Setting.integer("auth.throttle.free_failures", 3, 0, 100,
            "Failed logins for one account (or one address) answered without delay within the throttle window.");
    public static final Setting<Integer> AUTH_LOCKOUT_FAILURES = Setting.integer("auth.throttle.account_lockout", 10, 1, 1000,
            "Failed logins for one account name within the window after which further attempts get 429.");
    public static final Setting<Integer> AUTH_ADDRESS_LOCKOUT = Setting.integer("auth.throttle.address_lockout", 50, 1, 100000,
            "Failed logins from one client address within the window after which it gets 429.");
    public static final Setting<Duration> AUTH_THROTTLE_WINDOW = Setting.duration("auth.throttle.window", "15m",
            "How long a failed login counts against an account and an address.");
    public static final Setting<Duration> AUTH_THROTTLE_BASE_DELAY = Setting.duration("auth.throttle.base_delay", "250ms",
            "Delay added to the first failed login past the free ones; it doubles with each further failure (at most 8s).");
    public static final Setting<Integer> AUTH_HASH_MEMORY_KIB = Setting.integer("auth.argon2.memory_kib", 19456, 1024, 1048576,
            "Argon2id memory cost in KiB (OWASP minimum: 19456).");
    public static final Setting<Integer> AUTH_HASH_ITERATIONS = Setting.integer("auth.argon2.iterations", 2, 1, 20,
            "Argon2id time cost (passes over memory).");
    public static final Setting<Integer> AUTH_MAX_CONCURRENT_HASHES = Setting.integer("auth.argon2.max_concurrent", 2, 1, 64,
            "Password hashes computed at once; up to 16 callers per hash wait for one (at most 10 s), more get 503 at once, so a login flood cannot exhaust CPU, memory or request threads.");

    public static final Setting<String> PODMAN_SOCKET = Setting.text("podman.socket", "",
            "Unix socket of a Podman API service that is already running (`podman system service`), such as /run/podman/podman.sock (a unix:// prefix is allowed). Empty: labhub runs its own service on <data>/run/podman/podman.sock and stops it with the hub.");
    public static final Setting<String> PODMAN_RUNTIME = Setting.text("podman.runtime", "runc",
            "OCI runtime for notebook containers. runc works where crun fails (hosts with hybrid cgroups); empty: Podman's configured default.");

    public static final Setting<Duration> SPAWNER_START_TIMEOUT = Setting.duration("spawner.start_timeout", "60s",
            "How long a notebook server may take from the request to answering on its socket before the start is given up and cleaned away.");
    public static final Setting<Duration> SPAWNER_IDLE_TIMEOUT = Setting.duration("spawner.idle_timeout", "60m",
            "Servers with no activity (no request through the hub, no busy kernel) for this long are stopped; 0s never stops them.");
    public static final Setting<Integer> SPAWNER_MAX_RUNNING = Setting.integer("spawner.max_running", 100, 1, 10000,
            "Most notebook servers running at once on this machine; further starts are refused with a message saying so.");
    public static final Setting<Integer> SPAWNER_MAX_CONCURRENT_SPAWNS = Setting.integer("spawner.max_concurrent_spawns", 4, 1, 100,
            "Most servers starting at the same moment; further starts wait in line (their progress says so) until a slot frees.");
    public static final Setting<Integer> SPAWNER_MAX_NAMED_SERVERS = Setting.integer("spawner.max_named_servers", 2, 0, 50,
            "Named servers each user may have besides the default one (0: named servers are off).");
    public static final Setting<Duration> SPAWNER_STOP_TIMEOUT = Setting.duration("spawner.stop_timeout", "10s",
            "How long a stopping notebook gets to shut its kernels down before it is killed.");

    public static final Setting<Integer> RUNS_MAX_CONCURRENT = Setting.integer("runs.max_concurrent", 2, 1, 64,
            "Most notebook runs (batch jobs and preserve runs) executing at once; further runs wait in line, first come first served.");
    public static final Setting<Duration> RUNS_MAX_DURATION = Setting.duration("runs.max_duration", "6h",
            "Longest a notebook run may take; a job's own time limit is capped at this. A run that reaches its limit is killed and ends timed out.");

    public static final Setting<Boolean> PROXY_ADMIN_ACCESS = Setting.bool("proxy.admin_access", false,
            "Whether admins may open other users' notebook servers through /user/<name>/. Off by default; when on, every such visit is written to the audit log.");
    public static final Setting<String> PROXY_USER_DOMAIN = Setting.text("proxy.user_domain", "",
            "Serve each user's notebook server on its own origin, <user>.<this domain> (for example labhub.example.org gives alice.labhub.example.org), so that a notebook's output cannot act on the hub or on other users. Needs a wildcard DNS name and certificate; the hub itself should be served at this domain. Empty: notebooks share the hub's origin.");
    public static final Setting<Duration> PROXY_WEBSOCKET_IDLE_TIMEOUT = Setting.duration("proxy.websocket_idle_timeout", "1h",
            "A WebSocket through the proxy (kernel channels, terminals) with no frame either way for this long is closed; the notebook page reconnects on its own.");
    public static final Setting<Duration> PROXY_WEBSOCKET_CONNECT_TIMEOUT = Setting.duration("proxy.websocket_connect_timeout", "60s",
            "How long a new WebSocket through the proxy may wait for the notebook's answer. A notebook answers a kernel's channels only once the new kernel replies, which takes seconds, or longer on a slow or emulated machine; Jupyter itself waits 60 s for that reply.");
    public static final Setting<Integer> PROXY_MAX_FRAME_KIB = Setting.integer("proxy.max_frame_kib", 1024, 16, 65536,
            "Largest WebSocket frame held in the hub's memory, in KiB; larger frames (a 10 MB output) are passed on in pieces of this size, never refused.");

    public static final Setting<Long> STORAGE_DEFAULT_QUOTA = Setting.bytes("storage.default_quota", "10g",
            "Space each user's home and trash may use, unless an admin sets another quota for that user (0: no limit). Writes through the hub (file browser, WebDAV, API) that would pass it are refused with 507 and leave nothing behind; what notebooks write inside their containers is counted within a minute.");
    public static final Setting<Duration> STORAGE_TRASH_RETENTION = Setting.duration("storage.trash_retention", "30d",
            "How long deleted files stay in their owner's trash, restorable, before they are removed for good.");

    public static final Setting<Long> SEARCH_MAX_TEXT_BYTES = Setting.bytes("search.max_text_bytes", "1m",
            "How much text of one file (or extracted from one notebook) is indexed for search; the rest is not searchable. The name and metadata are indexed whatever the size.");
    public static final Setting<Long> SEARCH_MAX_NOTEBOOK_BYTES = Setting.bytes("search.max_notebook_bytes", "50m",
            "Notebooks larger than this (usually from embedded images) are indexed by name and metadata only, not read.");
    public static final Setting<Duration> SEARCH_COMMIT_INTERVAL = Setting.duration("search.commit_interval", "30s",
            "How often index changes are made durable on disk (a Lucene commit); changes are searchable within a second either way, and a crash loses at most this much, which the next reconcile repairs.");
    public static final Setting<Duration> SEARCH_RECONCILE_INTERVAL = Setting.duration("search.reconcile_interval", "5m",
            "How often every home is compared with the index, catching changes that file watching missed.");
    public static final Setting<Integer> SEARCH_MAX_WATCHED_FOLDERS = Setting.integer("search.max_watched_folders", 0, 0, 100_000_000,
            "At most this many folders are watched for changes (one inotify watch each, from the kernel's fs.inotify.max_user_watches, shared with every other program of the same user); 0: as many as the kernel allows. Homes beyond it are kept fresh by the periodic reconcile only, and /api/health says so.");

    public static final Setting<Duration> ARCHIVES_SCRUB_INTERVAL = Setting.duration("archives.scrub_interval", "24h",
            "How often every preserved archive is read in full and checked against its checksums; damage is reported in the audit log and on the archive's page.");
    public static final Setting<Long> ARCHIVES_MAX_IMPORT_BYTES = Setting.bytes("archives.max_import_bytes", "50g",
            "Largest archive an import accepts, counting the unpacked bytes of every file (the environment image included); larger uploads are refused with 413.");

    public static final Setting<String> LOG_LEVEL = Setting.oneOf("log.level", "INFO",
            List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR"), "Least severe log level written.");
    public static final Setting<String> LOG_FORMAT = Setting.oneOf("log.format", "text",
            List.of("text", "json"), "Log lines as readable text with key=value pairs, or one JSON object per line.");

    public static final List<Setting<?>> ALL = List.of(
            DATA_ROOT,
            HTTP_BIND, HTTP_PORT, HTTP_PUBLIC_URL, HTTP_FORWARDED_HEADERS, HTTP_SHUTDOWN_GRACE,
            TLS_CERTIFICATE, TLS_PRIVATE_KEY, TLS_SELF_SIGNED,
            AUTH_ADMIN_USER, AUTH_SESSION_IDLE, AUTH_SESSION_MAX_AGE, AUTH_SIGNUP,
            AUTH_FREE_ATTEMPTS, AUTH_LOCKOUT_FAILURES, AUTH_ADDRESS_LOCKOUT, AUTH_THROTTLE_WINDOW, AUTH_THROTTLE_BASE_DELAY,
            AUTH_HASH_MEMORY_KIB, AUTH_HASH_ITERATIONS, AUTH_MAX_CONCURRENT_HASHES,
            PODMAN_SOCKET, PODMAN_RUNTIME,
            SPAWNER_START_TIMEOUT, SPAWNER_IDLE_TIMEOUT, SPAWNER_MAX_RUNNING, SPAWNER_MAX_CONCURRENT_SPAWNS,
            SPAWNER_MAX_NAMED_SERVERS, SPAWNER_STOP_TIMEOUT,
            RUNS_MAX_CONCURRENT, RUNS_MAX_DURATION,
            PROXY_ADMIN_ACCESS,
            PROXY_USER_DOMAIN,
            PROXY_WEBSOCKET_IDLE_TIMEOUT, PROXY_WEBSOCKET_CONNECT_TIMEOUT,
            PROXY_MAX_FRAME_KIB,
            STORAGE_DEFAULT_QUOTA, STORAGE_TRASH_RETENTION,
            SEARCH_MAX_TEXT_BYTES, SEARCH_MAX_NOTEBOOK_BYTES, SEARCH_COMMIT_INTERVAL, SEARCH_RECONCILE_INTERVAL, SEARCH_MAX_WATCHED_FOLDERS,
            ARCHIVES_SCRUB_INTERVAL, ARCHIVES_MAX_IMPORT_BYTES,
            LOG_LEVEL, LOG_FORMAT);
}
