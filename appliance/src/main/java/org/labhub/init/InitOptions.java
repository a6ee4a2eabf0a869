package org.labhub.init;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What {@code labhub init} was asked to do. Every field is optional: an init without options only makes sure the
 * admin exists and reports the current state, so the command can be repeated freely.
 */
public record InitOptions(Optional<Path> data, Optional<Path> config, Optional<String> hostname, Optional<TlsChoice> tls,
                          Optional<Path> adminPasswordFile, boolean printAdminPassword) {

    public static final String USAGE = "labhub init [--data DIR] [--config FILE] [--hostname NAME] [--tls self-signed|none]\n"
            + "                   [--tls-cert PEM --tls-key PEM] [--admin-password-file FILE] [--print-admin-password]";

    /** HTTPS off, a self-signed certificate made under {@code <data>/secrets/tls/}, or a provided PEM pair. */
    public sealed interface TlsChoice {
        record None() implements TlsChoice {}
        record SelfSigned() implements TlsChoice {}
        record Provided(Path certificate, Path privateKey) implements TlsChoice {}

        default boolean https() {
            return !(this instanceof None);
        }
    }

    /** Bad arguments: the command exits 2. */
    public static final class BadArguments extends RuntimeException {
        public BadArguments(String message) {
            super(message);
        }
    }

    /** Parses the arguments after {@code init}. */
    public static InitOptions parse(String[] args) {
        Path data = null;
        Path config = null;
        String hostname = null;
        String tls = null;
        Path cert = null;
        Path key = null;
        Path passwordFile = null;
        boolean print = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (name.equals("--print-admin-password")) {
                if (value != null) {
                    throw new BadArguments("--print-admin-password takes no value");
                }
                print = true;
                continue;
            }
            if (!name.startsWith("--")) {
                throw new BadArguments("init takes no arguments, only options (got \"" + a + "\")");
            }
            if (!List.of("--data", "--config", "--hostname", "--tls", "--tls-cert", "--tls-key", "--admin-password-file").contains(name)) {
                throw new BadArguments("unknown option " + name);
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new BadArguments(name + " needs a value");
                }
                value = args[++i];
            }
            if (value.isBlank()) {
                throw new BadArguments(name + " needs a non-empty value");
            }
            switch (name) {
                case "--data" -> data = Path.of(value).toAbsolutePath().normalize();
                case "--config" -> config = Path.of(value).toAbsolutePath().normalize();
                case "--hostname" -> hostname = checkHostname(value);
                case "--tls" -> tls = value;
                case "--tls-cert" -> cert = Path.of(value).toAbsolutePath().normalize();
                case "--tls-key" -> key = Path.of(value).toAbsolutePath().normalize();
                case "--admin-password-file" -> passwordFile = Path.of(value).toAbsolutePath().normalize();
                default -> throw new BadArguments("unknown option " + name);
            }
        }
        return new InitOptions(Optional.ofNullable(data), Optional.ofNullable(config), Optional.ofNullable(hostname),
                tlsChoice(tls, cert, key), Optional.ofNullable(passwordFile), print);
    }

    private static Optional<TlsChoice> tlsChoice(String tls, Path cert, Path key) {
        if ((cert == null) != (key == null)) {
            throw new BadArguments("--tls-cert and --tls-key go together");
        }
        if (cert != null) {
            if (tls != null) {
                throw new BadArguments("--tls " + tls + " cannot be combined with --tls-cert/--tls-key");
            }
            return Optional.of(new TlsChoice.Provided(cert, key));
        }
        if (tls == null) {
            return Optional.empty();
        }
        return switch (tls) {
            case "self-signed" -> Optional.of(new TlsChoice.SelfSigned());
            case "none" -> Optional.of(new TlsChoice.None());
            default -> throw new BadArguments("--tls takes self-signed or none (for a certificate of your own use --tls-cert and --tls-key)");
        };
    }

    /** A DNS name or an IPv4 address: what goes into the public URL and the certificate. */
    static String checkHostname(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        boolean label = n.length() <= 253 && n.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
        if (!label) {
            throw new BadArguments("--hostname: \"" + name + "\" is not a host name (letters, digits, - and dots) or IPv4 address");
        }
        return n;
    }
}
