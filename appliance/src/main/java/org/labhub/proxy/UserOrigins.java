package org.labhub.proxy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpCookie;
import org.labhub.auth.Cookies;
import org.labhub.auth.Principal;
import org.labhub.auth.Secrets;
import org.labhub.auth.Sessions;
import org.labhub.users.User;
import org.labhub.users.UserStore;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;

/**
 * Each user's notebook server on its own origin, {@code <user>.<proxy.user_domain>}: JavaScript in a notebook's output
 * then runs on an origin that holds no hub cookie, so it can neither read the hub session nor make the hub act with it
 * (the hub refuses cross-origin writes, and the browser keeps cross-origin answers from it).
 *
 * <p>The hub's session cookie is host-only, so a user host never receives it. A visit to {@code /user/alice/…} on the
 * hub's host therefore hands over: the hub signs a ticket (single use, valid for a minute, bound to the session and
 * to the user host) and redirects to the user host, which trades it for its own cookie. That cookie is host-only
 * too, HttpOnly, and names the hub session by its hash, signed; it stops working when the hub session ends.
 */
final class UserOrigins {
    static final String COOKIE = "labhub_user";
    static final String LOGIN_PATH = "/_labhub/login";
    private static final Duration TICKET_LIFE = Duration.ofSeconds(60);
    private static final java.util.regex.Pattern USER_NAME = java.util.regex.Pattern.compile(User.NAME_PATTERN);

    private final Optional<String> domain;
    private final Optional<String> publicUrl;
    private final byte[] key;
    private final Sessions sessions;
    private final UserStore users;
    private final Clock clock;
    private final Map<String, Instant> usedTickets = new ConcurrentHashMap<>();

    UserOrigins(Optional<String> domain, Optional<String> publicUrl, byte[] hubKey, Sessions sessions, UserStore users, Clock clock) {
        this.domain = domain;
        this.publicUrl = publicUrl;
        this.key = hubKey;
        this.sessions = sessions;
        this.users = users;
        this.clock = clock;
    }

    boolean enabled() {
        return domain.isPresent();
    }

    /** The user whose host this is ({@code alice} for {@code alice.labhub.example.org}), if it is a user host. */
    Optional<String> userOfHost(String host) {
        if (domain.isEmpty() || host == null) {
            return Optional.empty();
        }
        String h = host.toLowerCase(java.util.Locale.ROOT);
        String suffix = "." + domain.get();
        if (!h.endsWith(suffix)) {
            return Optional.empty();
        }
        String label = h.substring(0, h.length() - suffix.length());
        return USER_NAME.matcher(label).matches() ? Optional.of(label) : Optional.empty();
    }

    /** {@code scheme://alice.<domain>[:port]}, on the scheme and port the request came in on. */
    String originOf(Exchange ex, String user) {
        return replaceHost(ex.ownOrigin(), user + "." + domain.orElseThrow());
    }

    /** Where the hub itself is: {@code http.public_url}, else {@code scheme://<domain>[:port]}. */
    String hubOrigin(Exchange ex) {
        return publicUrl.orElseGet(() -> replaceHost(ex.ownOrigin(), domain.orElseThrow()));
    }

    private static String replaceHost(String origin, String host) {
        int schemeEnd = origin.indexOf("://") + 3;
        String rest = origin.substring(schemeEnd);
        int colon = rest.lastIndexOf(':');
        String port = colon > rest.lastIndexOf(']') && colon >= 0 ? rest.substring(colon) : "";
        return origin.substring(0, schemeEnd) + host + port;
    }

    /** The redirect that hands a logged-in browser over to {@code user}'s host, to open {@code next} there. */
    String handOver(Exchange ex, String sessionCookie, String user, String next) {
        String hash = Secrets.sha256(sessionCookie);
        long expires = clock.instant().plus(TICKET_LIFE).getEpochSecond();
        String nonce = Secrets.randomToken(12);
        String payload = user + "|" + hash + "|" + expires + "|" + nonce;
        String ticket = b64(payload) + "." + sign("ticket|" + payload);
        return originOf(ex, user) + LOGIN_PATH + "?ticket=" + ticket + "&next=" + java.net.URLEncoder.encode(next, StandardCharsets.UTF_8);
    }

    /** On a user host: trades a ticket for the host's cookie and sends the browser on to {@code next}. */
    void completeHandOver(Exchange ex, String hostUser) {
        String ticket = ex.query("ticket").orElseThrow(() -> HttpError.badRequest("the link has no ticket; open the server from the hub"));
        String next = ex.query("next").filter(n -> n.startsWith("/user/" + hostUser + "/")).orElse("/user/" + hostUser + "/");
        int dot = ticket.indexOf('.');
        String payload = dot < 0 ? "" : unb64(ticket.substring(0, dot));
        if (dot < 0 || payload.isEmpty() || !Secrets.constantTimeEquals(sign("ticket|" + payload), ticket.substring(dot + 1))) {
            throw HttpError.forbidden("the sign-in link is not valid; open the server from the hub again");
        }
        String[] f = payload.split("\\|");
        Instant now = clock.instant();
        if (f.length != 4 || !f[0].equals(hostUser) || now.getEpochSecond() > Long.parseLong(f[2])) {
            throw HttpError.forbidden("the sign-in link has expired or is for another server; open the server from the hub again");
        }
        usedTickets.entrySet().removeIf(e -> e.getValue().isBefore(now));
        if (usedTickets.putIfAbsent(f[3], Instant.ofEpochSecond(Long.parseLong(f[2]))) != null) {
            throw HttpError.forbidden("the sign-in link was already used; open the server from the hub again");
        }
        if (sessions.findByHash(f[1]).isEmpty()) {
            throw HttpError.unauthorized("your hub session has ended; log in again");
        }
        String value = f[1] + "." + sign("cookie|" + hostUser + "|" + f[1]);
        ex.addCookie(HttpCookie.build(Cookies.name(COOKIE, ex.secure()), value)
                .path("/").httpOnly(true).secure(ex.secure()).sameSite(HttpCookie.SameSite.LAX).build());
        ex.redirect(next);
    }

    /** Who a request on a user host comes from, by that host's cookie; anonymous when it has none or it is stale. */
    Principal authenticate(Exchange ex, String hostUser) {
        Optional<String> cookie = ex.cookie(Cookies.name(COOKIE, ex.secure()));
        if (cookie.isEmpty()) {
            return Principal.ANONYMOUS;
        }
        String v = cookie.get();
        int dot = v.indexOf('.');
        if (dot < 0 || !Secrets.constantTimeEquals(sign("cookie|" + hostUser + "|" + v.substring(0, dot)), v.substring(dot + 1))) {
            return Principal.ANONYMOUS;
        }
        return sessions.findByHash(v.substring(0, dot))
                .flatMap(s -> users.byId(s.userId()).filter(u -> u.canLogIn(clock.instant()))
                        .map(u -> Principal.session(u, s.csrfToken())))
                .orElse(Principal.ANONYMOUS);
    }

    private String sign(String text) {
        return Secrets.hmac(key, text);
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        try {
            return new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
