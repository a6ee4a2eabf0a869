package org.labhub.shares;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpCookie;
import org.labhub.auth.LoginThrottle;
import org.labhub.auth.PasswordHasher;
import org.labhub.auth.Secrets;
import org.labhub.files.Permission;
import org.labhub.storage.Location;
import org.labhub.web.HttpError;

/**
 * Opens public links ({@code /s/<token>}) for anonymous visitors. Unknown and expired links get the same 404; a
 * password-protected one answers 401 ({@code password_required}, or {@code wrong_password}) until the password is
 * given, and guesses are throttled per link and per client address like logins. After the right password a browser
 * gets a signed unlock cookie for that link's path, which dies with a password change or after 12 hours.
 */
public final class PublicLinks {
    public static final String UNLOCK_COOKIE = "labhub_link";
    static final Duration UNLOCK_LIFETIME = Duration.ofHours(12);
    private static final String TOKEN_PATTERN = "[A-Za-z0-9_-]{43}";

    private final ShareStore store;
    private final ShareGrants grants;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final byte[] secret;
    private final Clock clock;
    /**
     * Passwords verified lately, by the hash of link id, stored hash and password, until when. WebDAV clients send the
     * password with every request; without this each would cost an Argon2 verification. A changed password (another
     * stored hash) or a revoked link (checked before) is never served from here.
     */
    private final Map<String, Instant> verified = new ConcurrentHashMap<>();
    private static final Duration REMEMBER = Duration.ofMinutes(5);
    private static final int MAX_REMEMBERED = 10_000;

    public PublicLinks(ShareStore store, ShareGrants grants, PasswordHasher hasher, LoginThrottle throttle, byte[] secret, Clock clock) {
        this.store = store;
        this.grants = grants;
        this.hasher = hasher;
        this.throttle = throttle;
        this.secret = secret;
        this.clock = clock;
    }

    /** An opened link: the shared item and what visitors may do with it. */
    public record Link(Share share, Location location, Set<Permission> permissions) {}

    /** Opens the link with its password, if it has one. */
    public Link open(String token, Optional<String> password, String clientAddress) {
        return open(token, password, Optional.empty(), clientAddress);
    }

    /** Opens the link with a browser's unlock cookie (from {@link #unlockCookie}), or else its password. */
    public Link open(String token, Optional<String> password, Optional<String> unlockCookie, String clientAddress) {
        Link link = find(token);
        Optional<String> hash = link.share().passwordHash();
        if (hash.isEmpty() || unlockCookie.map(c -> unlocks(c, link.share())).orElse(false)) {
            return link;
        }
        if (password.isEmpty() || password.get().isEmpty()) {
            throw new HttpError(401, "password_required", "this link is protected by a password");
        }
        String remembered = Secrets.sha256(link.share().id() + "\n" + hash.get() + "\n" + password.get());
        if (verified.containsKey(remembered) && clock.instant().isBefore(verified.get(remembered))) {
            return link;
        }
        LoginThrottle.Attempt attempt = throttle.begin("link:" + link.share().id(), clientAddress);
        if (attempt.refused()) {
            throw HttpError.tooManyRequests("too many wrong passwords for this link; try again later", attempt.refusal().toSeconds());
        }
        if (password.get().length() > PasswordHasher.MAX_PASSWORD_LENGTH || !hasher.verify(password.get(), hash.get())) {
            throttle.failed(attempt);
            throw new HttpError(401, "wrong_password", "the password for this link is wrong");
        }
        throttle.succeeded(attempt);
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear();
        }
        verified.put(remembered, clock.instant().plus(REMEMBER));
        return link;
    }

    /** A cookie that lets this browser back into the link without the password: HttpOnly, SameSite=Lax, on {@code /s/<token>} only. */
    public HttpCookie unlockCookie(String token, Link link, boolean secure) {
        long until = clock.instant().plus(UNLOCK_LIFETIME).getEpochSecond();
        return HttpCookie.build(UNLOCK_COOKIE, until + "." + signature(link.share(), until))
                .path("/s/" + token).httpOnly(true).secure(secure).sameSite(HttpCookie.SameSite.LAX)
                .maxAge(UNLOCK_LIFETIME.toSeconds()).build();
    }

    private boolean unlocks(String cookie, Share share) {
        int dot = cookie.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        long until;
        try {
            until = Long.parseLong(cookie.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        return clock.instant().isBefore(Instant.ofEpochSecond(until))
                && Secrets.constantTimeEquals(cookie.substring(dot + 1), signature(share, until));
    }

    /** Signs the link, the moment the unlock ends, and the password's hash: a new password makes old cookies worthless. */
    private String signature(Share share, long until) {
        return Secrets.hmac(secret, "link-unlock\n" + share.id() + "\n" + Secrets.sha256(share.passwordHash().orElse("")) + "\n" + until);
    }

    private Link find(String token) {
        HttpError gone = HttpError.notFound("there is no such link, or it has expired");
        if (token == null || !token.matches(TOKEN_PATTERN)) {
            throw gone;
        }
        Share share = store.byTokenHash(Secrets.sha256(token)).filter(s -> s.kind() == Share.Kind.LINK).orElseThrow(() -> gone);
        Set<Permission> permissions = grants.effective(share);
        if (permissions.isEmpty()) {
            throw gone;
        }
        return new Link(share, share.location(), permissions);
    }
}
