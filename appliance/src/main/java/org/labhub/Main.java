package org.labhub;

import java.io.IOException;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.labhub.backup.Backup;
import org.labhub.backup.Restore;
import org.labhub.catalog.Catalog;
import org.labhub.catalog.DataRootLock;
import org.labhub.config.ConfigDoc;
import org.labhub.config.ConfigException;
import org.labhub.config.ConfigLoader;
import org.labhub.config.LabhubConfig;
import org.labhub.config.SitePaths;
import org.labhub.init.InitCommand;
import org.labhub.server.Hub;
import org.labhub.search.Reindex;
import org.labhub.server.LogSetup;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/**
 * The {@code labhub} command: {@code run} serves the hub; {@code init}, {@code backup}, {@code restore}, {@code reindex},
 * {@code config-doc} and {@code openapi} are the operator's tools. Exit codes: 0 done, 1 failed, 2 bad usage or config.
 */
public final class Main {
    private static final String USAGE = String.join("\n",
            "usage: labhub run [--data DIR] [--port N] [--config FILE]",
            "       labhub backup DIR [--catalog-only] [--data DIR] [--config FILE]",
            "       labhub restore DIR [--data DIR]",
            "       labhub reindex [--data DIR] [--config FILE]",
            "       " + org.labhub.init.InitOptions.USAGE.replace("\n", "\n       "),
            "       labhub config-doc | openapi | version");

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length > 0 && args[0].equals("init")) {
            // init has options of its own (and one without a value), so it parses its arguments itself.
            return new InitCommand(System.out, System.err, System.getenv()).run(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        try {
            Cli cli = Cli.parse(args);
            switch (cli.command) {
                case "run": return serve(cli);
                case "backup": return backup(cli);
                case "restore": return restore(cli);
                case "reindex": return reindex(cli);
                case "config-doc": System.out.print(ConfigDoc.markdown()); return 0;
                case "openapi": return openapi();
                case "version": System.out.println(Hub.VERSION); return 0;
                default: throw new UsageException("unknown command \"" + cli.command + "\"");
            }
        } catch (UsageException e) {
            System.err.println("labhub: " + e.getMessage() + "\n" + USAGE);
            return 2;
        } catch (ConfigException e) {
            System.err.println("labhub: configuration error: " + e.getMessage());
            return 2;
        } catch (DataRootLock.DataRootInUseException | IllegalArgumentException e) {
            System.err.println("labhub: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("labhub: failed: " + e);
            e.printStackTrace(System.err);
            return 1;
        }
    }

    private static int serve(Cli cli) throws Exception {
        LabhubConfig config = cli.config();
        LogSetup.configure(config.logging());
        Hub hub = Hub.start(config);
        hub.firstAdminPassword().ifPresent(p -> System.out.println("\nFirst start: administrator \"" + config.auth().adminUser()
                + "\" with password: " + p + "\n(also saved in " + new SitePaths(config.dataRoot()).adminPassword() + ")\n"));
        System.out.println("labhub is serving " + hub.baseUrl() + "/ (data in " + config.dataRoot() + "); Ctrl-C stops it");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                hub.close();
            } catch (Exception e) {
                System.err.println("labhub: shutdown: " + e);
            } finally {
                stopped.countDown();
            }
        }, "shutdown"));
        hub.join();
        stopped.await();
        return 0;
    }

    /** Backs up through the running hub's control socket when a hub runs, else directly. */
    private static int backup(Cli cli) throws Exception {
        Path target = Path.of(cli.argument("backup folder")).toAbsolutePath();
        Backup.Contents contents = cli.switches.contains("catalog-only") ? Backup.Contents.CATALOG : Backup.Contents.FULL;
        LabhubConfig config = cli.config();
        SitePaths paths = new SitePaths(config.dataRoot());
        if (!Files.exists(paths.db())) {
            throw new IllegalArgumentException("no labhub catalog in " + paths.root());
        }
        DataRootLock lock;
        try {
            lock = DataRootLock.acquire(paths.lockFile());
        } catch (DataRootLock.DataRootInUseException running) {
            String answer = postToControlSocket(paths.controlSocket(), "/backup",
                    Json.MAPPER.writeValueAsString(Map.of("target", target.toString(), "contents", contents.id())));
            return reportOnlineBackup(answer);
        }
        try (lock; Catalog catalog = Catalog.open(paths.db())) {
            Backup.Result r = new Backup(catalog, paths).to(target, contents);
            System.out.println("backup written to " + r.target() + " (" + r.bytes() + " bytes, " + r.millis() + " ms)");
        }
        return 0;
    }

    /** The hub answers {@code {"target":…}} or {@code {"error":…,"message":…}}; a refusal goes to stderr like any other. */
    private static int reportOnlineBackup(String answer) {
        JsonNode reply;
        try {
            reply = Json.MAPPER.readTree(answer);
        } catch (RuntimeException e) {
            reply = null;
        }
        if (reply == null || !reply.isObject() || reply.has("error") || !reply.has("target")) {
            String why = reply != null && reply.has("message") ? reply.path("message").asString() : answer;
            System.err.println("labhub: the running hub did not make the backup: " + why);
            return 1;
        }
        System.out.println("online backup by the running hub: " + answer);
        return 0;
    }

    /**
     * Rebuilds the search index: the running hub does it in the background (searches keep working) while this
     * prints its progress; with no hub running, it is rebuilt here from the homes, under the data-root lock.
     */
    private static int reindex(Cli cli) throws Exception {
        if (!cli.positional.isEmpty()) {
            throw new UsageException("reindex takes no arguments");
        }
        LabhubConfig config = cli.config();
        SitePaths paths = new SitePaths(config.dataRoot());
        if (!Files.isDirectory(paths.homes())) {
            throw new IllegalArgumentException("no labhub data in " + paths.root() + " (no homes folder)");
        }
        DataRootLock lock;
        try {
            lock = DataRootLock.acquire(paths.lockFile());
        } catch (DataRootLock.DataRootInUseException running) {
            return reindexOnline(paths);
        }
        try (lock) {
            LogSetup.configure(new LabhubConfig.Logging("WARN", "text"));
            Reindex.Result r = Reindex.offline(paths, config.search(), p -> System.out.printf("reindex: %d of %d homes, %d files%n",
                    p.homesDone(), p.homesTotal(), p.files()));
            System.out.printf("reindex: done: %d files of %d homes indexed in %d ms; the index holds %d documents%n",
                    r.files(), r.homes(), r.millis(), r.documents());
        }
        return 0;
    }

    private static int reindexOnline(SitePaths paths) throws Exception {
        JsonNode started = Json.MAPPER.readTree(postToControlSocket(paths.controlSocket(), "/reindex", "{}"));
        if (!started.path("started").asBoolean(false)) {
            System.err.println("labhub: the running hub did not start a rebuild: " + started.path("message").asString());
            return 1;
        }
        System.out.println("reindex: the running hub rebuilds the index in the background; searches keep working meanwhile");
        while (true) {
            Thread.sleep(1000);
            JsonNode s = Json.MAPPER.readTree(requestControlSocket(paths.controlSocket(), "GET", "/reindex", ""));
            if (!s.path("running").asBoolean(false)) {
                JsonNode last = s.path("last");
                System.out.printf("reindex: done: %d files of %d homes indexed in %d ms%n", last.path("files").asLong(),
                        last.path("homes").asLong(), last.path("millis").asLong());
                return 0;
            }
            System.out.printf("reindex: %d of %d homes, %d files%n", s.path("homes_done").asInt(), s.path("homes_total").asInt(),
                    s.path("files").asLong());
        }
    }

    private static int restore(Cli cli) throws Exception {
        Path source = Path.of(cli.argument("backup folder")).toAbsolutePath();
        SitePaths paths = new SitePaths(cli.config().dataRoot());
        try (DataRootLock lock = DataRootLock.acquire(paths.lockFile())) {
            Backup.Contents contents = new Restore(paths).from(source);
            System.out.println("restored " + source + " into " + paths.root()
                    + (contents == Backup.Contents.CATALOG ? " (the catalog, secrets and config; files left as they are)" : "")
                    + "; start it with: labhub run --data " + paths.root());
        }
        return 0;
    }

    private static int openapi() throws Exception {
        Path tmp = Files.createTempDirectory("labhub-openapi");
        Map<String, String> overrides = Map.of("data.root", tmp.toString(), "http.port", "0", "auth.argon2.memory_kib", "1024",
                "auth.argon2.iterations", "1");
        LogSetup.configure(new LabhubConfig.Logging("ERROR", "text"));
        try (Hub hub = Hub.start(new ConfigLoader().load(Optional.empty(), Map.of(), overrides))) {
            var client = java.net.http.HttpClient.newHttpClient();
            var response = client.send(java.net.http.HttpRequest.newBuilder(URI.create(hub.baseUrl() + "/api/openapi.json")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            System.out.print(response.body());
        }
        return 0;
    }

    /** A minimal HTTP/1.1 POST over a Unix socket (the JDK's HTTP client speaks only TCP). */
    static String postToControlSocket(Path socket, String path, String body) throws IOException {
        return requestControlSocket(socket, "POST", path, body);
    }

    static String requestControlSocket(Path socket, String method, String path, String body) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nConnection: close\r\n"
                    + "Content-Length: " + bytes.length + "\r\n\r\n";
            ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
            ch.write(ByteBuffer.wrap(bytes));
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            StringBuilder out = new StringBuilder();
            while (ch.read(buf) >= 0) {
                buf.flip();
                out.append(StandardCharsets.UTF_8.decode(buf));
                buf.clear();
            }
            String response = out.toString();
            int split = response.indexOf("\r\n\r\n");
            return split < 0 ? response : response.substring(split + 4).trim();
        }
    }

    /** Parsed command line: one command, its positional arguments, {@code --flag value} options and value-less switches. */
    static final class Cli {
        /** Options without a value; each belongs to one command. */
        private static final Set<String> SWITCHES = Set.of("catalog-only");

        final String command;
        final List<String> positional = new ArrayList<>();
        final Map<String, String> flags = new LinkedHashMap<>();
        final Set<String> switches = new HashSet<>();

        private Cli(String command) {
            this.command = command;
        }

        static Cli parse(String[] args) {
            if (args.length == 0) {
                throw new UsageException("no command given");
            }
            Cli cli = new Cli(args[0]);
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (a.startsWith("--") && SWITCHES.contains(a.substring(2))) {
                    if (!cli.command.equals("backup")) {
                        throw new UsageException(a + " belongs to labhub backup");
                    }
                    cli.switches.add(a.substring(2));
                } else if (a.startsWith("--")) {
                    String name = a.substring(2);
                    String value;
                    int eq = name.indexOf('=');
                    if (eq >= 0) {
                        value = name.substring(eq + 1);
                        name = name.substring(0, eq);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new UsageException("--" + name + " needs a value");
                    }
                    if (!List.of("data", "port", "config", "bind").contains(name)) {
                        throw new UsageException("unknown option --" + name);
                    }
                    cli.flags.put(name, value);
                } else {
                    cli.positional.add(a);
                }
            }
            return cli;
        }

        String argument(String what) {
            if (positional.size() != 1) {
                throw new UsageException(command + " takes one argument: the " + what);
            }
            return positional.get(0);
        }

        /** Defaults, then the config file, then {@code LABHUB_*} variables, then these flags. */
        LabhubConfig config() {
            Map<String, String> env = System.getenv();
            Map<String, String> overrides = new LinkedHashMap<>();
            Optional<String> data = Optional.ofNullable(flags.get("data")).or(() -> Optional.ofNullable(env.get("LABHUB_DATA")));
            data.ifPresent(d -> overrides.put("data.root", d));
            Optional.ofNullable(flags.get("port")).ifPresent(p -> overrides.put("http.port", p));
            Optional.ofNullable(flags.get("bind")).ifPresent(b -> overrides.put("http.bind", b));
            Optional<Path> file = Optional.ofNullable(flags.get("config")).or(() -> Optional.ofNullable(env.get("LABHUB_CONFIG")))
                    .map(Path::of);
            if (file.isPresent() && !Files.isRegularFile(file.get())) {
                throw new ConfigException("config file " + file.get() + " does not exist");
            }
            if (file.isEmpty()) {
                Path dflt = new SitePaths(Path.of(data.orElse("./data"))).defaultConfigFile();
                file = Files.isRegularFile(dflt) ? Optional.of(dflt) : Optional.empty();
            }
            return new ConfigLoader().load(file, env, overrides);
        }
    }

    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
