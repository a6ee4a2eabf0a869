package org.labhub.smoke;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** The command line, checked before anything talks to the hub: a mistake here exits 2 with the reason. */
record Options(URI base, String admin, String adminPassword, boolean insecure, Optional<Path> cacert, Duration timeout) {
    static final String USAGE = """
            Usage: labhub smoke --url URL --admin-password-file FILE [--admin NAME] [--insecure] [--cacert PEM]
                                [--timeout-minutes N]
              --url URL                   the hub's root, http(s)://host[:port]
              --admin-password-file FILE  a file holding the admin's password (first line; ./labhub up keeps it
                                          in <data>/secrets/admin-password)
              --admin NAME                the administrator to log in as (default: admin)
              --insecure                  accept any TLS certificate and host name (loopback URLs only)
              --cacert PEM                trust exactly the certificate(s) in this PEM file
              --timeout-minutes N         give up after N minutes in all (default: 10)
            Exit status: 0 every step passed, 1 a step failed, 2 bad arguments.""";

    static Options parse(String... args) throws UsageError {
        String url = null;
        String passwordFile = null;
        String admin = "admin";
        boolean insecure = false;
        String cacert = null;
        String minutes = "10";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                value = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--insecure" -> {
                    if (value != null) {
                        throw new UsageError("--insecure takes no value");
                    }
                    insecure = true;
                }
                case "--url", "--admin-password-file", "--admin", "--cacert", "--timeout-minutes" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageError(a + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (a) {
                        case "--url" -> url = value;
                        case "--admin-password-file" -> passwordFile = value;
                        case "--admin" -> admin = value;
                        case "--cacert" -> cacert = value;
                        default -> minutes = value;
                    }
                }
                default -> throw new UsageError(a.startsWith("-") ? "unknown option " + a : "unexpected argument '" + a + "'");
            }
        }
        if (url == null) {
            throw new UsageError("--url is required");
        }
        if (passwordFile == null) {
            throw new UsageError("--admin-password-file is required");
        }
        URI base = baseUrl(url);
        if (admin.isBlank()) {
            throw new UsageError("--admin needs a name");
        }
        if (insecure && cacert != null) {
            throw new UsageError("give either --insecure or --cacert, not both");
        }
        if (insecure && !isLoopback(base.getHost())) {
            throw new UsageError("--insecure is allowed only for loopback URLs (127.0.0.1, ::1, localhost), not " + base.getHost()
                    + ": trust the hub's certificate with --cacert instead");
        }
        if (insecure && !base.getScheme().equals("https")) {
            throw new UsageError("--insecure is for https URLs; " + base + " uses no TLS");
        }
        Optional<Path> pem = Optional.empty();
        if (cacert != null) {
            Path p = Path.of(cacert);
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                throw new UsageError("--cacert " + cacert + ": not a readable file");
            }
            pem = Optional.of(p);
        }
        return new Options(base, admin, readPassword(passwordFile), insecure, pem, timeout(minutes));
    }

    /** The hub's root URL without a trailing slash; http or https, a host, no path, query or user info. */
    static URI baseUrl(String url) throws UsageError {
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new UsageError("--url " + url + " is not a URL: " + e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new UsageError("--url " + url + " is not an http:// or https:// URL");
        }
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new UsageError("--url " + url + " has no host name");
        }
        if (u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new UsageError("--url " + url + " must be the hub's root, without user, query or fragment");
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        if (!path.isEmpty() && !path.equals("/")) {
            throw new UsageError("--url " + url + " must be the hub's root (labhub serves at /), not a path under it");
        }
        try {
            return new URI(scheme, null, u.getHost(), u.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw new UsageError("--url " + url + " is not a URL: " + e.getReason());
        }
    }

    /** Loopback by its literal form only: a name other than localhost is never resolved (DNS could say anything). */
    static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost") || h.endsWith(".localhost")) {
            return true;
        }
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (!h.matches("[0-9.]+") && !h.contains(":")) {
            return false;
        }
        try {
            return InetAddress.getByName(h).isLoopbackAddress(); // a literal address: parsed, not looked up
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String readPassword(String file) throws UsageError {
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw new UsageError("--admin-password-file " + file + ": no such file");
        }
        String text;
        try {
            text = Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageError("--admin-password-file " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        String first = text.lines().findFirst().orElse("");
        if (first.isEmpty()) {
            throw new UsageError("--admin-password-file " + file + " is empty");
        }
        return first;
    }

    private static Duration timeout(String minutes) throws UsageError {
        try {
            int n = Integer.parseInt(minutes);
            if (n >= 1 && n <= 240) {
                return Duration.ofMinutes(n);
            }
        } catch (NumberFormatException e) {
            // the message below says what is wanted
        }
        throw new UsageError("--timeout-minutes wants a whole number of minutes from 1 to 240, not '" + minutes + "'");
    }
}
