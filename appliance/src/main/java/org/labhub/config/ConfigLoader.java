package org.labhub.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.toml.TomlMapper;

/**
 * Resolves configuration from, in rising priority: defaults, the TOML file, {@code LABHUB_*} environment
 * variables and command-line overrides. Unknown keys and bad values fail here, naming the key.
 */
public final class ConfigLoader {
    /** Environment variables the CLI itself reads; they are not settings. */
    private static final Set<String> CLI_VARIABLES = Set.of("LABHUB_CONFIG", "LABHUB_DATA", "LABHUB_JAVA_OPTS");

    private final Map<String, Setting<?>> byKey = new LinkedHashMap<>();
    private final Map<String, Setting<?>> byEnv = new HashMap<>();

    public ConfigLoader() {
        for (Setting<?> s : Settings.ALL) {
            byKey.put(s.key(), s);
            byEnv.put(s.envName(), s);
        }
    }

    /**
     * @param file the config file, or empty to use only defaults, environment and overrides
     * @param env the process environment (only {@code LABHUB_*} entries are read)
     * @param overrides keys set on the command line, e.g. {@code http.port}
     */
    public LabhubConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> raw = new LinkedHashMap<>();
        file.ifPresent(f -> readFile(f, raw));
        env.forEach((name, value) -> {
            if (!name.startsWith("LABHUB_") || CLI_VARIABLES.contains(name)) {
                return;
            }
            Setting<?> s = byEnv.get(name);
            if (s == null) {
                throw new ConfigException("unknown environment variable " + name + " (no such setting; see docs/configuration.md)");
            }
            raw.put(s.key(), value);
        });
        overrides.forEach((key, value) -> {
            requireKnown(key, "command line");
            raw.put(key, value);
        });
        return build(new Values(raw));
    }

    private void readFile(Path file, Map<String, String> raw) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        } catch (JacksonException e) {
            throw new ConfigException("config file " + file + " is not valid TOML: " + e.getOriginalMessage());
        }
        flatten("", root, raw, file);
    }

    private void flatten(String prefix, JsonNode node, Map<String, String> raw, Path file) {
        for (var entry : node.properties()) {
            String key = prefix.isEmpty() ? entry.getKey() : prefix + "." + entry.getKey();
            JsonNode value = entry.getValue();
            if (value.isObject() && !byKey.containsKey(key)) {
                flatten(key, value, raw, file);
            } else {
                requireKnown(key, file.toString());
                if (!value.isValueNode()) {
                    throw new ConfigException(key + ": expected a single value in " + file);
                }
                raw.put(key, value.asString());
            }
        }
    }

    private void requireKnown(String key, String source) {
        if (!byKey.containsKey(key)) {
            Set<String> similar = new TreeSet<>();
            String head = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
            byKey.keySet().stream().filter(k -> k.startsWith(head + ".")).forEach(similar::add);
            throw new ConfigException("unknown setting " + key + " in " + source
                    + (similar.isEmpty() ? "" : " (known in this section: " + String.join(", ", similar) + ")"));
        }
    }

    private static LabhubConfig build(Values v) {
        Optional<Path> cert = nonEmpty(v.get(Settings.TLS_CERTIFICATE)).map(Path::of);
        Optional<Path> key = nonEmpty(v.get(Settings.TLS_PRIVATE_KEY)).map(Path::of);
        if (cert.isPresent() != key.isPresent()) {
            throw new ConfigException((cert.isPresent() ? Settings.TLS_PRIVATE_KEY : Settings.TLS_CERTIFICATE).key()
                    + ": tls.certificate and tls.private_key must be set together");
        }
        if (cert.isPresent() && v.get(Settings.TLS_SELF_SIGNED)) {
            throw new ConfigException("tls.self_signed: cannot be true when tls.certificate is set");
        }
        Optional<String> publicUrl = nonEmpty(v.get(Settings.HTTP_PUBLIC_URL)).map(ConfigLoader::checkPublicUrl);
        String admin = v.get(Settings.AUTH_ADMIN_USER);
        if (!admin.matches("[a-z][a-z0-9_-]{0,31}")) {
            throw new ConfigException("auth.admin_user: expected a user name of lowercase letters, digits, - and _ (got \"" + admin + "\")");
        }
        return new LabhubConfig(
                Path.of(v.get(Settings.DATA_ROOT)).toAbsolutePath().normalize(),
                new LabhubConfig.Http(v.get(Settings.HTTP_BIND), v.get(Settings.HTTP_PORT), publicUrl,
                        v.get(Settings.HTTP_FORWARDED_HEADERS), v.get(Settings.HTTP_SHUTDOWN_GRACE)),
                new LabhubConfig.Tls(cert, key, v.get(Settings.TLS_SELF_SIGNED)),
                new LabhubConfig.Auth(admin, v.get(Settings.AUTH_SESSION_IDLE), v.get(Settings.AUTH_SESSION_MAX_AGE),
                        v.get(Settings.AUTH_SIGNUP),
                        new LabhubConfig.Throttle(v.get(Settings.AUTH_FREE_ATTEMPTS), v.get(Settings.AUTH_LOCKOUT_FAILURES),
                                v.get(Settings.AUTH_ADDRESS_LOCKOUT), v.get(Settings.AUTH_THROTTLE_WINDOW),
                                v.get(Settings.AUTH_THROTTLE_BASE_DELAY)),
                        new LabhubConfig.Argon2(v.get(Settings.AUTH_HASH_MEMORY_KIB), v.get(Settings.AUTH_HASH_ITERATIONS),
                                v.get(Settings.AUTH_MAX_CONCURRENT_HASHES))),
                new LabhubConfig.Podman(podmanSocket(v.get(Settings.PODMAN_SOCKET)), v.get(Settings.PODMAN_RUNTIME)),
                new LabhubConfig.Spawner(v.get(Settings.SPAWNER_START_TIMEOUT), v.get(Settings.SPAWNER_IDLE_TIMEOUT),
                        v.get(Settings.SPAWNER_MAX_RUNNING), v.get(Settings.SPAWNER_MAX_CONCURRENT_SPAWNS),
                        v.get(Settings.SPAWNER_MAX_NAMED_SERVERS), v.get(Settings.SPAWNER_STOP_TIMEOUT)),
                new LabhubConfig.Runs(v.get(Settings.RUNS_MAX_CONCURRENT),
                        positive(v.get(Settings.RUNS_MAX_DURATION), Settings.RUNS_MAX_DURATION)),
                new LabhubConfig.Proxy(v.get(Settings.PROXY_ADMIN_ACCESS), userDomain(v.get(Settings.PROXY_USER_DOMAIN)),
                        v.get(Settings.PROXY_WEBSOCKET_IDLE_TIMEOUT),
                        positive(v.get(Settings.PROXY_WEBSOCKET_CONNECT_TIMEOUT), Settings.PROXY_WEBSOCKET_CONNECT_TIMEOUT),
                        v.get(Settings.PROXY_MAX_FRAME_KIB) * 1024),
                new LabhubConfig.Storage(v.get(Settings.STORAGE_DEFAULT_QUOTA), v.get(Settings.STORAGE_TRASH_RETENTION)),
                new LabhubConfig.Search(positive(v.get(Settings.SEARCH_MAX_TEXT_BYTES), Settings.SEARCH_MAX_TEXT_BYTES),
                        positive(v.get(Settings.SEARCH_MAX_NOTEBOOK_BYTES), Settings.SEARCH_MAX_NOTEBOOK_BYTES),
                        positive(v.get(Settings.SEARCH_COMMIT_INTERVAL), Settings.SEARCH_COMMIT_INTERVAL),
                        positive(v.get(Settings.SEARCH_RECONCILE_INTERVAL), Settings.SEARCH_RECONCILE_INTERVAL),
                        v.get(Settings.SEARCH_MAX_WATCHED_FOLDERS)),
                new LabhubConfig.Logging(v.get(Settings.LOG_LEVEL), v.get(Settings.LOG_FORMAT)),
                new LabhubConfig.Archives(positive(v.get(Settings.ARCHIVES_SCRUB_INTERVAL), Settings.ARCHIVES_SCRUB_INTERVAL),
                        atLeastOne(v.get(Settings.ARCHIVES_MAX_IMPORT_BYTES), Settings.ARCHIVES_MAX_IMPORT_BYTES)));
    }

    private static long positive(long value, Setting<Long> setting) {
        if (value <= 0 || value > Integer.MAX_VALUE) {
            throw new ConfigException(setting.key() + ": expected a size above 0 and below 2g");
        }
        return value;
    }

    private static long atLeastOne(long value, Setting<Long> setting) {
        if (value <= 0) {
            throw new ConfigException(setting.key() + ": expected a size above 0");
        }
        return value;
    }

    private static Duration positive(Duration value, Setting<Duration> setting) {
        if (value.isZero() || value.isNegative()) {
            throw new ConfigException(setting.key() + ": expected a duration above 0s");
        }
        return value;
    }

    /** A DNS name under which user hosts live: lowercase labels, at least two of them (not a bare TLD). */
    private static Optional<String> userDomain(String domain) {
        String d = domain.trim();
        if (d.isEmpty()) {
            return Optional.empty();
        }
        if (!d.matches("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?") || d.length() > 200) {
            throw new ConfigException("proxy.user_domain: expected a lowercase DNS name with at least two labels, such as labhub.example.org (got \"" + domain + "\")");
        }
        return Optional.of(d);
    }

    private static String checkPublicUrl(String url) {
        if (!url.matches("https?://[A-Za-z0-9.\\-\\[\\]:]+")) {
            throw new ConfigException("http.public_url: expected scheme and host only, such as https://lab.example.org (got \"" + url + "\")");
        }
        return url;
    }

    private static Optional<Path> podmanSocket(String socket) {
        // Podman prints its sockets as unix:///run/podman/podman.sock; accept that spelling too.
        Optional<Path> p = nonEmpty(socket).map(s -> Path.of(s.startsWith("unix://") ? s.substring("unix://".length()) : s));
        if (p.isPresent() && !p.get().isAbsolute()) {
            throw new ConfigException("podman.socket: expected an absolute path such as /run/podman/podman.sock (got \"" + socket + "\")");
        }
        return p;
    }

    private static Optional<String> nonEmpty(String s) {
        return s.isBlank() ? Optional.empty() : Optional.of(s);
    }

    /** Raw text values, parsed on demand by their setting. */
    private static final class Values {
        private final Map<String, String> raw;

        Values(Map<String, String> raw) {
            this.raw = raw;
        }

        <T> T get(Setting<T> s) {
            return s.parse(raw.getOrDefault(s.key(), s.defaultText()));
        }
    }
}
