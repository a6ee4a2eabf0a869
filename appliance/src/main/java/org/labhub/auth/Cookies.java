package org.labhub.auth;

import java.time.Duration;
import org.eclipse.jetty.http.HttpCookie;

/**
 * The hub's cookies. Under TLS their names carry the {@code __Host-} prefix, which browsers accept only
 * from the exact origin with {@code Secure} and {@code Path=/}: a sibling subdomain cannot plant or overwrite them.
 */
public final class Cookies {
    public static final String SESSION = "labhub_session";
    /** Double-submit token for forms shown before login (login, signup). */
    public static final String ANONYMOUS_CSRF = "labhub_csrf";
    public static final String FLASH = "labhub_flash";

    private Cookies() {}

    public static String name(String base, boolean secure) {
        return secure ? "__Host-" + base : base;
    }

    public static HttpCookie of(String base, String value, boolean secure, Duration maxAge) {
        return HttpCookie.build(name(base, secure), value)
                .path("/").httpOnly(true).secure(secure).sameSite(HttpCookie.SameSite.LAX)
                .maxAge(maxAge.toSeconds()).build();
    }

    /** A cookie of zero age, which tells the browser to forget it. */
    public static HttpCookie expired(String base, boolean secure) {
        return HttpCookie.build(name(base, secure), "")
                .path("/").httpOnly(true).secure(secure).sameSite(HttpCookie.SameSite.LAX).maxAge(0).build();
    }
}
