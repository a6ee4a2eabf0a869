package org.labhub.archives;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.eclipse.jetty.http.HttpCookie;
import org.labhub.auth.LoginThrottle;
import org.labhub.auth.PasswordHasher;
import org.labhub.auth.Secrets;
import org.labhub.web.HttpError;

/**
 * Opens archive links ({@code /a/<token>}) for visitors, like file links do ({@code shares/PublicLinks}): a password
 * link answers 401 until its password is given, guesses are throttled per link and per client address (a throttle of
 * its own, so guessing never locks anyone out of logging in), and the right password earns a signed cookie for that
 * link's path, which dies with the link, after 12 hours, or when the link is revoked (the link is looked up first).
 */
public final class ArchiveLinks {
    public static final String UNLOCK_COOKIE = "labhub_archive_link";
    static final Duration UNLOCK_LIFETIME = Duration.ofHours(12);

    private final ArchiveAccess access;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final byte[] secret;
    private final Clock clock;

    public ArchiveLinks(ArchiveAccess access, PasswordHasher hasher, LoginThrottle throttle, byte[] secret, Clock clock) {
        this.access = access;
        this.hasher = hasher;
        this.throttle = throttle;
        this.secret = secret.clone();
        this.clock = clock;
    }

    /** Opens the link with the browser's unlock cookie; 404 when it is unknown or revoked, 401 while its password is missing. */
    public ArchiveAccess.Opened open(String token, Optional<String> unlockCookie) {
        ArchiveAccess.Opened o = access.link(token);
        if (o.link().hasPassword() && !unlockCookie.map(c -> unlocks(c, o.link())).orElse(false)) {
            throw new HttpError(401, "password_required", "this link is protected by a password");
        }
        return o;
    }

    /** Checks the password (throttled); 401 wrong_password, 429 while guessing is refused. */
    public ArchiveAccess.Opened unlock(String token, String password, String clientAddress) {
        ArchiveAccess.Opened o = access.link(token);
        if (!o.link().hasPassword()) {
            return o;
        }
        if (password.isEmpty()) {
            throw new HttpError(401, "password_required", "this link is protected by a password");
        }
        LoginThrottle.Attempt attempt = throttle.begin("archive-link:" + o.link().id(), clientAddress);
        if (attempt.refused()) {
            throw HttpError.tooManyRequests("too many wrong passwords for this link; try again later", attempt.refusal().toSeconds());
        }
        if (password.length() > PasswordHasher.MAX_PASSWORD_LENGTH || !hasher.verify(password, o.link().passwordHash().orElseThrow())) {
            throttle.failed(attempt);
            throw new HttpError(401, "wrong_password", "the password for this link is wrong");
        }
        throttle.succeeded(attempt);
        return o;
    }

    /** HttpOnly, SameSite=Lax, on {@code /a/<token>} only. */
    public HttpCookie unlockCookie(String token, ArchiveShareStore.Link link, boolean secure) {
        long until = clock.instant().plus(UNLOCK_LIFETIME).getEpochSecond();
        return HttpCookie.build(UNLOCK_COOKIE, until + "." + signature(link, until))
                .path("/a/" + token).httpOnly(true).secure(secure).sameSite(HttpCookie.SameSite.LAX)
                .maxAge(UNLOCK_LIFETIME.toSeconds()).build();
    }

    private boolean unlocks(String cookie, ArchiveShareStore.Link link) {
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
                && Secrets.constantTimeEquals(cookie.substring(dot + 1), signature(link, until));
    }

    /** Signs the link, the moment the unlock ends, and the password's hash. */
    private String signature(ArchiveShareStore.Link link, long until) {
        return Secrets.hmac(secret, "archive-link-unlock\n" + link.id() + "\n" + Secrets.sha256(link.passwordHash().orElse("")) + "\n" + until);
    }
}
