package org.labhub.web;

import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** Sets the browser-hardening headers on every response; handlers may tighten or replace them. */
public final class SecurityHeaders extends Handler.Wrapper {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

    private final boolean tls;

    public SecurityHeaders(Handler next, boolean tls) {
        super(next);
        this.tls = tls;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        addTo(response.getHeaders(), tls);
        return super.handle(request, response, callback);
    }

    /** The headers themselves, also used by {@link HiddenErrorHandler} for answers Jetty gives outside this wrapper. */
    public static void addTo(HttpFields.Mutable h, boolean tls) {
        h.put("Content-Security-Policy", CSP);
        h.put("X-Content-Type-Options", "nosniff");
        h.put("X-Frame-Options", "DENY");
        h.put("Referrer-Policy", "same-origin");
        h.put("Cross-Origin-Opener-Policy", "same-origin");
        h.put("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
        if (tls) {
            h.put("Strict-Transport-Security", "max-age=31536000");
        }
    }
}
