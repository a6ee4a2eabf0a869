package org.labhub.web;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import java.util.Optional;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.labhub.auth.Authenticator;
import org.labhub.auth.CsrfGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches requests to the routes features declared. For every request, in this order: match the route,
 * authenticate, check the route's {@link Access}, check CSRF on state-changing browser requests, run the handler.
 * Errors become a JSON body for the API and a page for browsers; clients never see a stack trace.
 */
public final class Router extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(Router.class);
    private static final java.util.regex.Pattern LINK_DAV = java.util.regex.Pattern.compile("/s/[^/]+/dav(/.*)?");
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final List<Compiled> routes = new ArrayList<>();
    private final Authenticator authenticator;
    private final CsrfGuard csrf;
    private final ErrorRenderer errors;
    private final RequestObserver observer;

    public Router(List<Route> routes, Authenticator authenticator, CsrfGuard csrf, ErrorRenderer errors,
                  RequestObserver observer) {
        for (Route r : routes) {
            this.routes.add(new Compiled(r, r.spec()));
        }
        this.authenticator = authenticator;
        this.csrf = csrf;
        this.errors = errors;
        this.observer = observer;
    }

    public static boolean isApiPath(String path) {
        return path.startsWith("/api/") || path.equals("/metrics");
    }

    /** WebDAV: a user's files at {@code /dav/…}, a public link's at {@code /s/<token>/dav/…}. Errors there are plain text. */
    public static boolean isDavPath(String path) {
        return path.startsWith("/dav/") || path.equals("/dav") || LINK_DAV.matcher(path).matches();
    }

    public List<Route> routes() {
        return routes.stream().map(Compiled::route).toList();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long start = System.nanoTime();
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        Compiled match = null;
        Map<String, String> params = Map.of();
        Set<String> allowed = new LinkedHashSet<>();
        for (Compiled c : routes) {
            Optional<Map<String, String>> matched = c.spec.match(path);
            if (matched.isPresent()) {
                String m = c.route.method();
                if (m.equals(method) || (method.equals("HEAD") && m.equals("GET"))) {
                    match = c;
                    params = matched.get();
                    break;
                }
                allowed.add(m);
            }
        }
        String template = match == null ? "unmatched" : match.route.template();
        // Observed when the response completes, so answers written later (held-back logins) count right.
        Callback observed = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                observer.observe(method, template, response.getStatus(), System.nanoTime() - start);
                super.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                observer.observe(method, template, 500, System.nanoTime() - start);
                super.failed(x);
            }
        };
        Exchange ex = new Exchange(request, response, observed, params);
        try {
            if (hasDotSegment(request.getHttpURI().getPath())) {
                // Jetty resolves them before routing, so /api/files/alice/../bob/x would reach bob's URL: no client needs them.
                throw HttpError.badRequest("a path cannot contain \".\" or \"..\" segments");
            }
            if (match == null) {
                if (!allowed.isEmpty()) {
                    response.getHeaders().put(HttpHeader.ALLOW, String.join(", ", allowed));
                    throw new HttpError(405, "method_not_allowed", "use " + String.join(" or ", allowed) + " here");
                }
                throw HttpError.notFound("there is nothing at " + path);
            }
            ex.principal(authenticator.authenticate(ex, match.route.basic()));
            match.route.access().check(ex);
            if (!SAFE_METHODS.contains(method)) {
                csrf.check(ex);
            }
            match.route.endpoint().handle(ex);
            if (!ex.responded() && !ex.deferred()) {
                throw new IllegalStateException("handler for " + template + " wrote no response");
            }
        } catch (HttpError e) {
            ex.abortStream(e);
            respondWithError(ex, e);
        } catch (Exception e) {
            ex.abortStream(e);
            log.atError().setCause(e).addKeyValue("method", method).addKeyValue("route", template).log("request failed");
            respondWithError(ex, new HttpError(500, "internal_error", "something went wrong on the hub; the error was logged"));
        }
        return true;
    }

    /** Whether the path as sent has a {@code .} or {@code ..} segment (before Jetty resolved it). */
    static boolean hasDotSegment(String rawPath) {
        if (rawPath == null) {
            return false;
        }
        for (String segment : rawPath.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private void respondWithError(Exchange ex, HttpError e) {
        if (ex.responded()) {
            return;
        }
        try {
            errors.render(ex, e);
        } catch (RuntimeException failed) {
            log.error("rendering an error page failed", failed);
            if (!ex.responded()) {
                ex.send(e.status(), "text/plain;charset=utf-8", e.getMessage());
            }
        }
    }

    private record Compiled(Route route, PathTemplate spec) {}

    /** Renders an error for the caller: JSON for API paths, a page (or a login redirect) for browsers. */
    public interface ErrorRenderer {
        void render(Exchange ex, HttpError error);
    }

    /** Told about every finished request (metrics). */
    public interface RequestObserver {
        void observe(String method, String route, int status, long nanos);
    }
}
