package org.labhub.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.labhub.users.UserStore;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.Route;

/**
 * Finds out who sent a request: an {@code Authorization} header (token, or Basic where the route allows it)
 * wins over the session cookie. A bad or expired token is a 401, never a silent fall-back to anonymous.
 */
public final class Authenticator {
    private final Sessions sessions;
    private final ApiTokens tokens;
    private final UserStore users;
    private final PasswordLogin passwords;
    private final Clock clock;

    public Authenticator(Sessions sessions, ApiTokens tokens, UserStore users, PasswordLogin passwords, Clock clock) {
        this.sessions = sessions;
        this.tokens = tokens;
        this.users = users;
        this.passwords = passwords;
        this.clock = clock;
    }

    /** How long a verified session or token is trusted from memory, unless a revocation comes first. */
    private static final java.time.Duration REMEMBER = java.time.Duration.ofSeconds(2);
    private static final int MAX_REMEMBERED = 10_000;

    private record Remembered(Principal principal, long generation, java.time.Instant until) {}

    private final java.util.Map<String, Remembered> remembered = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * {@link #authenticate} without Basic, for the notebook proxy, whose every request (each of a page's dozens of
     * files, each API poll) would otherwise read the catalog twice. A credential is remembered for two seconds at
     * most, and forgotten at once when any session ends, any token is revoked or any account changes: the stores
     * move a generation counter on each of those, and a remembered answer from an older generation is not used.
     */
    public Principal authenticateRemembered(Exchange ex) {
        Optional<String> header = ex.header("Authorization");
        String credential = header.map(h -> "h:" + h.trim())
                .or(() -> ex.cookie(Cookies.name(Cookies.SESSION, ex.secure())).map(c -> "c:" + c))
                .orElse(null);
        if (credential == null) {
            return Principal.ANONYMOUS;
        }
        String key = Secrets.sha256(credential);
        long generation = sessions.generation() + tokens.generation() + users.generation();
        java.time.Instant now = clock.instant();
        Remembered r = remembered.get(key);
        if (r != null && r.generation == generation && now.isBefore(r.until)
                && r.principal.user().map(u -> u.canLogIn(now)).orElse(false)) {
            return r.principal;
        }
        Principal p = authenticate(ex, Route.Basic.NONE);
        if (!p.isAnonymous()) {
            if (remembered.size() >= MAX_REMEMBERED) {
                remembered.clear();
            }
            remembered.put(key, new Remembered(p, generation, now.plus(REMEMBER)));
        }
        return p;
    }

    public Principal authenticate(Exchange ex, Route.Basic basic) {
        Optional<String> header = ex.header("Authorization");
        if (basic == Route.Basic.LINK_PASSWORD && header.map(h -> h.trim().regionMatches(true, 0, "basic ", 0, 6)).orElse(true)) {
            return Principal.LINK; // the link checks its own password; a token still identifies (and a bad one is refused)
        }
        if (header.isPresent() && basic == Route.Basic.APP_PASSWORD) {
            return rememberedToken(header.get().trim());
        }
        if (header.isPresent()) {
            return fromHeader(ex, header.get().trim(), basic);
        }
        return ex.cookie(Cookies.name(Cookies.SESSION, ex.secure()))
                .flatMap(sessions::find)
                .flatMap(s -> users.byId(s.userId()).filter(u -> u.canLogIn(clock.instant()))
                        .map(u -> Principal.session(u, s.csrfToken())))
                .orElse(Principal.ANONYMOUS);
    }

    /** How long a verified token or app password is trusted from memory on WebDAV routes, unless a revocation comes first. */
    private static final java.time.Duration REMEMBER_TOKEN = java.time.Duration.ofSeconds(60);

    /**
     * A token or app password on a route that takes app passwords (WebDAV), where a sync client sends the same
     * header with every one of thousands of requests: checking it reads the catalog twice (the token, the account),
     * about half of a small upload's work. A verified header is remembered for a minute at most (never past the
     * token's expiry), and forgotten at once when any token is revoked, any session ends or any account changes,
     * as in {@link #authenticateRemembered}. Only what was accepted is remembered: a wrong one is checked every time.
     */
    private Principal rememberedToken(String header) {
        String key = Secrets.sha256("t:" + header);
        long generation = sessions.generation() + tokens.generation() + users.generation();
        java.time.Instant now = clock.instant();
        Remembered r = remembered.get(key);
        if (r != null && r.generation == generation && now.isBefore(r.until)
                && r.principal.user().map(u -> u.canLogIn(now)).orElse(false)) {
            return r.principal;
        }
        Verified v = verifiedToken(header);
        java.time.Instant until = now.plus(REMEMBER_TOKEN);
        if (v.expiresAt().isPresent() && v.expiresAt().get().isBefore(until)) {
            until = v.expiresAt().get();
        }
        if (remembered.size() >= MAX_REMEMBERED) {
            remembered.clear();
        }
        remembered.put(key, new Remembered(v.principal(), generation, until));
        return v.principal();
    }

    private record Verified(Principal principal, Optional<java.time.Instant> expiresAt) {}

    /** A token ({@code token}/{@code bearer}) or an app password (Basic); 401 for anything else. */
    private Verified verifiedToken(String header) {
        int space = header.indexOf(' ');
        String scheme = (space < 0 ? header : header.substring(0, space)).toLowerCase(Locale.ROOT);
        String credentials = space < 0 ? "" : header.substring(space + 1).trim();
        return switch (scheme) {
            case "token", "bearer" -> token(credentials);
            case "basic" -> appPassword(credentials);
            default -> throw HttpError.unauthorized("unsupported Authorization scheme; send \"Authorization: token …\"");
        };
    }

    private Verified token(String credentials) {
        return tokens.verify(credentials)
                .flatMap(t -> users.byId(t.userId()).filter(u -> u.canLogIn(clock.instant()))
                        .map(u -> new Verified(Principal.token(u, t.scopes()), t.expiresAt())))
                .orElseThrow(() -> HttpError.unauthorized("the token is invalid, expired or revoked, or its account is disabled"));
    }

    private Principal fromHeader(Exchange ex, String header, Route.Basic basic) {
        int space = header.indexOf(' ');
        String scheme = (space < 0 ? header : header.substring(0, space)).toLowerCase(Locale.ROOT);
        String credentials = space < 0 ? "" : header.substring(space + 1).trim();
        switch (scheme) {
            case "token":
            case "bearer":
                return token(credentials).principal();
            case "basic":
                return switch (basic) {
                    case NONE -> throw HttpError.unauthorized("HTTP Basic is accepted only to create a token; send \"Authorization: token …\"");
                    case PASSWORD -> password(ex, credentials);
                    case APP_PASSWORD -> appPassword(credentials).principal();
                    case LINK_PASSWORD -> Principal.LINK;
                };
            default:
                throw HttpError.unauthorized("unsupported Authorization scheme; send \"Authorization: token …\"");
        }
    }

    /**
     * Basic with a user name and one of that user's tokens (an app password, as Nextcloud and CERNBox give sync
     * clients): the token's scopes apply, and the login password is never accepted here. Tokens carry 256 bits,
     * so guessing needs no throttle; a token of another account is refused even if valid.
     */
    private Verified appPassword(String credentials) {
        String[] pair = basicPair(credentials);
        return tokens.verify(pair[1])
                .flatMap(t -> users.byId(t.userId()).filter(u -> u.canLogIn(clock.instant()) && u.name().equals(pair[0]))
                        .map(u -> new Verified(Principal.token(u, t.scopes()), t.expiresAt())))
                .orElseThrow(() -> HttpError.unauthorized(
                        "wrong user name or app password (use an API token with the \"files\" scope, not your login password)"));
    }

    /** The user name and password of a Basic header's value. */
    private static String[] basicPair(String credentials) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw HttpError.unauthorized("malformed Basic credentials");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw HttpError.unauthorized("malformed Basic credentials");
        }
        return new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private Principal password(Exchange ex, String credentials) {
        String[] pair = basicPair(credentials);
        PasswordLogin.Outcome outcome = passwords.attempt(pair[0], pair[1], ex.clientAddress(), "basic");
        if (outcome instanceof PasswordLogin.Success s) {
            return Principal.basic(s.user());
        }
        if (outcome instanceof PasswordLogin.Refused r) {
            throw HttpError.tooManyRequests("too many failed logins; try again later", r.retryAfter().toSeconds());
        }
        throw HttpError.unauthorized("wrong user name or password");
    }
}
