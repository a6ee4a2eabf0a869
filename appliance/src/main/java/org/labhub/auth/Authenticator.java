package org.labhub.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import org.labhub.users.UserStore;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;

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

    public Principal authenticate(Exchange ex, boolean basicAllowed) {
        Optional<String> header = ex.header("Authorization");
        if (header.isPresent()) {
            return fromHeader(ex, header.get().trim(), basicAllowed);
        }
        return ex.cookie(Cookies.name(Cookies.SESSION, ex.secure()))
                .flatMap(sessions::find)
                .flatMap(s -> users.byId(s.userId()).filter(u -> u.canLogIn(clock.instant()))
                        .map(u -> Principal.session(u, s.csrfToken())))
                .orElse(Principal.ANONYMOUS);
    }

    private Principal fromHeader(Exchange ex, String header, boolean basicAllowed) {
        int space = header.indexOf(' ');
        String scheme = (space < 0 ? header : header.substring(0, space)).toLowerCase(Locale.ROOT);
        String credentials = space < 0 ? "" : header.substring(space + 1).trim();
        switch (scheme) {
            case "token":
            case "bearer":
                return tokens.verify(credentials)
                        .flatMap(t -> users.byId(t.userId()).filter(u -> u.canLogIn(clock.instant()))
                                .map(u -> Principal.token(u, t.scopes())))
                        .orElseThrow(() -> HttpError.unauthorized("the token is invalid, expired or revoked, or its account is disabled"));
            case "basic":
                if (!basicAllowed) {
                    throw HttpError.unauthorized("HTTP Basic is accepted only to create a token; send \"Authorization: token …\"");
                }
                return basic(ex, credentials);
            default:
                throw HttpError.unauthorized("unsupported Authorization scheme; send \"Authorization: token …\"");
        }
    }

    private Principal basic(Exchange ex, String credentials) {
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
        PasswordLogin.Outcome outcome = passwords.attempt(decoded.substring(0, colon), decoded.substring(colon + 1),
                ex.clientAddress(), "basic");
        if (outcome instanceof PasswordLogin.Success s) {
            return Principal.basic(s.user());
        }
        if (outcome instanceof PasswordLogin.Refused r) {
            throw HttpError.tooManyRequests("too many failed logins; try again later", r.retryAfter().toSeconds());
        }
        throw HttpError.unauthorized("wrong user name or password");
    }
}
