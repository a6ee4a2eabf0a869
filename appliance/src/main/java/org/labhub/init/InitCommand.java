package org.labhub.init;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.labhub.catalog.Catalog;
import org.labhub.catalog.DataRootLock;
import org.labhub.config.ConfigException;
import org.labhub.config.ConfigLoader;
import org.labhub.config.LabhubConfig;
import org.labhub.config.SitePaths;
import org.labhub.init.InitOptions.TlsChoice;
import org.labhub.server.LogSetup;
import org.labhub.server.TlsSetup;
import org.labhub.web.HttpError;

/**
 * {@code labhub init}: prepares a data root and its config file for a server, offline (no hub may run on the data
 * root; it holds the data-root lock as a hub would). It makes sure the administrator exists, records the host name
 * (as {@code http.public_url}) and the TLS choice in the config file, and makes the self-signed certificate. Running
 * it again with the same options changes nothing. Exit codes: 0 done, 1 failed (a hub runs, I/O), 2 bad arguments.
 *
 * <p>The config file is edited in place, keeping its comments and other keys ({@link ConfigEdits}); the result is
 * loaded before it replaces the old file (a temporary file renamed over it), so a file that no longer parses is
 * never left behind.
 */
public final class InitCommand {
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    public InitCommand(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    public int run(String[] args) {
        InitOptions options;
        try {
            options = InitOptions.parse(args);
        } catch (InitOptions.BadArguments e) {
            err.println("labhub init: " + e.getMessage() + "\nusage: " + InitOptions.USAGE);
            return 2;
        }
        try {
            return init(options);
        } catch (InitOptions.BadArguments e) {
            err.println("labhub init: " + e.getMessage());
            return 2;
        } catch (ConfigException e) {
            err.println("labhub init: configuration error: " + e.getMessage());
            return 2;
        } catch (HttpError e) {
            // A password the hub would refuse (too short, the user name): a bad argument, named as the hub names it.
            err.println("labhub init: admin password refused: " + e.getMessage());
            return 2;
        } catch (DataRootLock.DataRootInUseException e) {
            err.println("labhub init: " + e.getMessage() + "; stop the hub first (systemctl stop labhub), then run init again");
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("labhub init: failed: " + e);
            return 1;
        }
    }

    private int init(InitOptions options) throws IOException {
        // The catalog's libraries log at start-up; an operator's command shows only its own lines (and real errors).
        LogSetup.configure(new LabhubConfig.Logging("ERROR", "text"));
        Path configFile = configFile(options);
        Map<String, String> overrides = new LinkedHashMap<>();
        options.data().ifPresent(d -> overrides.put("data.root", d.toString()));
        LabhubConfig before = load(configFile, overrides);
        SitePaths paths = new SitePaths(before.dataRoot());
        Optional<String> password = readPassword(options, before.auth().adminUser());
        if (options.tls().orElse(null) instanceof TlsChoice.Provided p) {
            requireReadable(p.certificate(), "--tls-cert");
            requireReadable(p.privateKey(), "--tls-key");
            TlsSetup.check(p.certificate(), p.privateKey());
        }
        ConfigEdits edits = edits(options, before);
        String oldText = Files.exists(configFile) ? Files.readString(configFile) : "";
        String newText = edits.applyTo(oldText);

        Files.createDirectories(paths.root());
        List<String> did = new ArrayList<>();
        try (DataRootLock lock = DataRootLock.acquire(paths.lockFile())) {
            Files.createDirectories(paths.secrets());
            Files.setPosixFilePermissions(paths.secrets(), PosixFilePermissions.fromString("rwx------"));
            LabhubConfig after = newText.equals(oldText) ? before : writeConfig(configFile, oldText, newText, overrides);
            if (after != before) {
                did.add("updated " + configFile + ": " + String.join(", ", edits.changed()));
            }
            AdminAccount.Outcome admin;
            try (Catalog catalog = Catalog.open(paths.db())) {
                admin = new AdminAccount(catalog, paths, after).ensure(password);
            }
            switch (admin.action()) {
                case CREATED -> did.add("created the administrator \"" + admin.name() + "\" (password in " + paths.adminPassword() + ")");
                case PASSWORD_SET -> did.add("set the password of \"" + admin.name() + "\" from " + options.adminPasswordFile().orElseThrow());
                case MADE_ADMIN -> did.add("gave \"" + admin.name() + "\" administrator rights again");
                case UNCHANGED -> { }
            }
            if (after.tls().selfSigned() && TlsSetup.ensureSelfSigned(paths, options.hostname())) {
                did.add("made a self-signed certificate for " + TlsSetup.names(paths.tlsDir().resolve("cert.pem"))
                        + " in " + paths.tlsDir());
            }
            report(did, after, paths, configFile, admin, options.printAdminPassword()
                    ? admin.password().or(() -> new AdminAccount(null, paths, after).stored()) : Optional.empty());
        }
        return 0;
    }

    /** {@code --config}, else {@code $LABHUB_CONFIG}, else {@code <data>/labhub.conf} (data: --data, $LABHUB_DATA, ./data). */
    private Path configFile(InitOptions options) {
        return options.config()
                .or(() -> Optional.ofNullable(env.get("LABHUB_CONFIG")).map(c -> Path.of(c).toAbsolutePath().normalize()))
                .orElseGet(() -> new SitePaths(options.data()
                        .orElseGet(() -> Path.of(env.getOrDefault("LABHUB_DATA", "./data")))).defaultConfigFile());
    }

    private LabhubConfig load(Path configFile, Map<String, String> overrides) {
        return new ConfigLoader().load(Files.isRegularFile(configFile) ? Optional.of(configFile) : Optional.empty(), env, overrides);
    }

    private static Optional<String> readPassword(InitOptions options, String adminName) throws IOException {
        if (options.adminPasswordFile().isEmpty()) {
            return Optional.empty();
        }
        Path file = options.adminPasswordFile().get();
        requireReadable(file, "--admin-password-file");
        String password = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (password.contains("\n")) {
            throw new InitOptions.BadArguments("--admin-password-file " + file + " must hold one line: the password");
        }
        org.labhub.auth.PasswordHasher.checkStrength(password, adminName);
        return Optional.of(password);
    }

    private static void requireReadable(Path file, String option) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new InitOptions.BadArguments(option + ": " + file + " is not a readable file");
        }
    }

    /** The keys to set: the data root when named, the TLS choice (and the matching default port), the public URL. */
    private static ConfigEdits edits(InitOptions options, LabhubConfig before) {
        ConfigEdits edits = new ConfigEdits();
        options.data().ifPresent(d -> edits.set("data", "root", ConfigEdits.quoted(d.toString())));
        boolean https = before.tls().enabled();
        int port = before.http().port();
        if (options.tls().isPresent()) {
            TlsChoice tls = options.tls().get();
            https = tls.https();
            if (tls instanceof TlsChoice.Provided p) {
                edits.set("tls", "self_signed", "false")
                        .set("tls", "certificate", ConfigEdits.quoted(p.certificate().toString()))
                        .set("tls", "private_key", ConfigEdits.quoted(p.privateKey().toString()));
            } else {
                edits.set("tls", "self_signed", String.valueOf(tls instanceof TlsChoice.SelfSigned))
                        .remove("tls", "certificate").remove("tls", "private_key");
            }
            // The well-known ports follow the scheme (an installed hub serves 80 or 443); any other port is the operator's.
            if (https && port == 80) {
                port = 443;
                edits.set("http", "port", "443");
            } else if (!https && port == 443) {
                port = 80;
                edits.set("http", "port", "80");
            }
        }
        // The public URL pins the origin browsers must use (CSRF check), so it is only set when a host name is given
        // (now or before); without one, the hub answers under whatever name or address it is reached by.
        Optional<String> host = options.hostname().or(() -> before.http().publicUrl().map(u -> URI.create(u).getHost()));
        if (host.isPresent()) {
            String scheme = https ? "https" : "http";
            boolean defaultPort = port == (https ? 443 : 80);
            edits.set("http", "public_url", ConfigEdits.quoted(scheme + "://" + host.get() + (defaultPort ? "" : ":" + port)));
        }
        return edits;
    }

    /** Writes the new text next to the file, loads it (refusing it if it does not parse), then renames it over the file. */
    private LabhubConfig writeConfig(Path file, String oldText, String newText, Map<String, String> overrides) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, newText, StandardCharsets.UTF_8);
            keepOwnerAndMode(file, tmp);
            LabhubConfig after;
            try {
                after = new ConfigLoader().load(Optional.of(tmp), env, overrides);
            } catch (ConfigException e) {
                throw new IOException("the edited config file would not load (" + e.getMessage() + "); " + file
                        + " is left as it was: set the keys by hand");
            }
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return after;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A replaced config file keeps its owner, group and mode; a new one is 0644 (it holds paths, never secrets). */
    private static void keepOwnerAndMode(Path file, Path tmp) throws IOException {
        if (!Files.exists(file)) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            return;
        }
        PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(tmp, a.permissions());
        PosixFileAttributeView view = Files.getFileAttributeView(tmp, PosixFileAttributeView.class);
        try {
            view.setGroup(a.group());
            view.setOwner(a.owner());
        } catch (IOException e) {
            // Not root: the file stays ours, with the old mode.
        }
    }

    private static String tlsText(LabhubConfig.Tls tls) {
        if (tls.selfSigned()) {
            return "self-signed";
        }
        return tls.certificate().map(c -> "certificate " + c).orElse("off");
    }

    private void report(List<String> did, LabhubConfig config, SitePaths paths, Path configFile, AdminAccount.Outcome admin,
                        Optional<String> printPassword) {
        if (did.isEmpty()) {
            out.println("labhub init: nothing to change; " + paths.root() + " and " + configFile + " are as asked");
        }
        for (String d : did) {
            out.println("labhub init: " + d);
        }
        String scheme = config.tls().enabled() ? "https" : "http";
        out.println("labhub init: data " + paths.root() + ", config " + configFile + ", TLS " + tlsText(config.tls()) + ", URL "
                + config.http().publicUrl().orElse(scheme + "://<this host>:" + config.http().port()) + ", administrator \""
                + admin.name() + "\"");
        printPassword.ifPresent(p -> out.println("admin password: " + p));
    }
}
