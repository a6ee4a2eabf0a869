package org.labhub.proxy;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.labhub.auth.Cookies;

/**
 * The hub's own cookies, which must never cross the proxy: a notebook server is code its user controls, so it must
 * not see the visitor's hub session (an admin's, say) nor plant one.
 */
final class HubCookies {
    private static final Set<String> NAMES = Set.of(Cookies.SESSION, Cookies.ANONYMOUS_CSRF, Cookies.FLASH, UserOrigins.COOKIE);

    private HubCookies() {}

    static boolean isHubCookie(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.startsWith("__host-")) {
            n = n.substring("__host-".length());
        } else if (n.startsWith("__secure-")) {
            n = n.substring("__secure-".length());
        }
        return NAMES.contains(n);
    }

    /** The request's Cookie header with the hub's cookies taken out; empty when nothing is left. */
    static Optional<String> withoutHubCookies(HttpFields headers) {
        StringJoiner kept = new StringJoiner("; ");
        for (String header : headers.getValuesList(HttpHeader.COOKIE)) {
            for (String pair : header.split(";")) {
                String p = pair.trim();
                int eq = p.indexOf('=');
                if (!p.isEmpty() && !isHubCookie(eq < 0 ? p : p.substring(0, eq))) {
                    kept.add(p);
                }
            }
        }
        return kept.length() == 0 ? Optional.empty() : Optional.of(kept.toString());
    }

    /** Whether a Set-Cookie value names one of the hub's cookies. */
    static boolean setsHubCookie(String setCookie) {
        int eq = setCookie.indexOf('=');
        return isHubCookie(eq < 0 ? setCookie : setCookie.substring(0, eq));
    }
}
