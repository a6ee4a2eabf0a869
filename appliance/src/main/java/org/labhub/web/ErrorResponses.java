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
