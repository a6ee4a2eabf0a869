package org.labhub.auth;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;

/**
 * Refuses cross-site requests that ride on the browser's cookie. A state-changing request without an
 * Authorization header must (1) not be {@code text/plain} (a "simple" cross-site POST), (2) come from this
 * hub's origin by its Origin or Referer header, and (3) carry the form's token (field {@code csrf} or header
 * {@code X-CSRF-Token}): the session's token, or before login the double-submit cookie's value.
 */
public final class CsrfGuard {
    public static final String FORM_FIELD = "csrf";
    public static final String HEADER = "X-CSRF-Token";

    private final Optional<String> publicOrigin;

    public CsrfGuard(Optional<String> publicOrigin) {
        this.publicOrigin = publicOrigin.map(o -> o.toLowerCase(Locale.ROOT));
    }

    public void check(Exchange ex) {
        Principal p = ex.principal();
        if (!p.isAmbient()) {
            return;
        }
        String type = ex.header("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (type.startsWith("text/plain")) {
            throw refused("text/plain bodies are not accepted on state-changing requests");
        }
        String origin = claimedOrigin(ex).orElseThrow(() -> refused("the request carries neither Origin nor Referer"));
        if (!origin.toLowerCase(Locale.ROOT).equals(expectedOrigin(ex))) {
            throw refused("the request came from another site (" + origin + ")");
        }
        Optional<String> want = p.csrfToken().or(() -> ex.cookie(Cookies.name(Cookies.ANONYMOUS_CSRF, ex.secure())));
        Optional<String> got = ex.header(HEADER).or(() -> ex.isFormBody() ? Optional.ofNullable(ex.form().getValue(FORM_FIELD)) : Optional.empty());
        if (want.isEmpty() || got.isEmpty() || !Secrets.constantTimeEquals(want.get(), got.get())) {
            throw refused("the form has expired or did not come from this hub; reload the page and try again");
        }
    }

    /** The hub's own origin as browsers see it: {@code http.public_url} when set, else the origin the request was sent to. */
    public String expectedOrigin(Exchange ex) {
        return publicOrigin.orElse(ex.ownOrigin().toLowerCase(Locale.ROOT));
    }

    /** Where a browser says a request comes from: its Origin header, else its Referer's origin. */
    public static Optional<String> claimedOrigin(Exchange ex) {
        return ex.header("Origin").filter(o -> !o.equals("null")).or(() -> ex.header("Referer").map(CsrfGuard::originOf));
    }

    private static HttpError refused(String why) {
        return new HttpError(403, "csrf", "cross-site request refused: " + why);
    }

    private static String originOf(String referer) {
        try {
            URI u = URI.create(referer);
            if (u.getScheme() == null || u.getHost() == null) {
                return "invalid";
            }
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        } catch (IllegalArgumentException e) {
            return "invalid";
        }
    }
}
