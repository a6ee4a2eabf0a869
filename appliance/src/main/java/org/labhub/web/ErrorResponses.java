package org.labhub.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes errors: {@code {"error", "message"}} for the API, the error page (or a login redirect) for browsers. */
public final class ErrorResponses implements Router.ErrorRenderer {
    private final Pages pages;

    public ErrorResponses(Pages pages) {
        this.pages = pages;
    }

    @Override
    public void render(Exchange ex, HttpError e) {
        if (Router.isDavPath(ex.path())) {
            plain(ex, e);
            return;
        }
        if (Router.isApiPath(ex.path()) || ex.principal().method() == org.labhub.auth.Principal.Method.TOKEN) {
            json(ex, e);
            return;
        }
        if (e.retryAfterSeconds() > 0) {
            ex.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        if (e.status() == 401 && ex.method().equals("GET")) {
            ex.redirect("/login?next=" + URLEncoder.encode(ex.pathAndQuery(), StandardCharsets.UTF_8));
            return;
        }
        pages.render(ex, e.status(), "error", Map.of("status", e.status(), "message", e.getMessage()));
    }

    /**
     * The error as WebDAV clients want it: plain text, and a Basic challenge on 401, without which sync clients
     * (litmus, rclone, cadaver, Windows, macOS) never send their credentials.
     */
    public void plain(Exchange ex, HttpError e) {
        if (e.retryAfterSeconds() > 0) {
            ex.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        if (e.status() == 401) {
            String realm = ex.path().startsWith("/s/") ? "labhub link" : "labhub"; // a link's password, not an account's
            ex.setHeader("WWW-Authenticate", "Basic realm=\"" + realm + "\", charset=\"UTF-8\"");
        }
        ex.send(e.status(), "text/plain;charset=utf-8", e.getMessage() + "\n");
    }

    /** The error as the API gives it: {@code {"error", "message"}}, with Retry-After and WWW-Authenticate as they apply. */
    public void json(Exchange ex, HttpError e) {
        if (e.retryAfterSeconds() > 0) {
            ex.setHeader("Retry-After", Long.toString(e.retryAfterSeconds()));
        }
        if (e.status() == 401) {
            ex.setHeader("WWW-Authenticate", "Bearer realm=\"labhub\"");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.code());
        body.put("message", e.getMessage());
        ex.json(e.status(), body);
    }
}
