package org.labhub.proxy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;
import org.labhub.audit.AuditLog;
import org.labhub.auth.Authenticator;
import org.labhub.auth.Cookies;
import org.labhub.auth.CsrfGuard;
import org.labhub.auth.Principal;
import org.labhub.auth.Scope;
import org.labhub.auth.Sessions;
import org.labhub.config.LabhubConfig;
import org.labhub.spawner.Server.State;
import org.labhub.spawner.ServerKey;
import org.labhub.spawner.ServerStore;
import org.labhub.spawner.Spawner;
import org.labhub.users.User;
import org.labhub.users.UserStore;
import org.labhub.web.Exchange;
import org.labhub.web.HttpError;
import org.labhub.web.ErrorResponses;
import org.labhub.web.SecurityHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /user/<name>/…}: the way into a user's notebook server, over HTTP and WebSocket. For every request it
 * decides, in this order: who is asking (session, user-host cookie, or a token with the {@code servers} scope);
 * whether they may use this server (its owner; an admin only when {@code proxy.admin_access} is on, and audited);
 * whether a browser's state-changing request or WebSocket comes from the page's own origin (the notebook trusts the
 * hub's token and skips its own XSRF and Origin checks, so the hub does them); and whether the server runs. Only then
 * is the request passed on, to the socket of the server the path names: no path can reach a socket other than the
 * one decided here. Everything else goes to the hub's own routes.
 */
public final class NotebookProxy extends Handler.Wrapper {
    private static final Logger log = LoggerFactory.getLogger(NotebookProxy.class);
    static final String PREFIX = "/user/";
    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

    private final Authenticator authenticator;
    private final ServerDirectory directory;
    private final Spawner spawner;
    private final UserOrigins origins;
    private final ErrorResponses errors;
    private final AuditLog audit;
    private final boolean adminAccess;
    private final CsrfGuard csrf;
    private final boolean tls;
    private final HttpForwarder http;
    private final WebSocketForwarder websockets;
    private final ProxyMetrics metrics;
    /** Admin visits already audited: one entry per admin and server start, not one per request. */
    private final Map<String, Boolean> auditedVisits = new ConcurrentHashMap<>();

    public NotebookProxy(Handler hub, Authenticator authenticator, CsrfGuard csrf, ServerStore servers, Spawner spawner, Sessions sessions,
                         UserStore users, ErrorResponses errors, AuditLog audit, byte[] hubKey, LabhubConfig config, Clock clock,
                         ProxyMetrics metrics) {
        super(hub);
        this.authenticator = authenticator;
        this.directory = new ServerDirectory(servers, clock);
        this.spawner = spawner;
        this.errors = errors;
        this.audit = audit;
        this.adminAccess = config.proxy().adminAccess();
        this.csrf = csrf;
        this.tls = config.tls().enabled();
        this.origins = new UserOrigins(config.proxy().userDomain(), config.http().publicUrl(), hubKey, sessions, users, clock);
        this.metrics = metrics;
        this.http = new HttpForwarder(metrics);
        this.websockets = new WebSocketForwarder(config.proxy().websocketIdleTimeout(), config.proxy().websocketConnectTimeout(),
                config.proxy().maxFrameBytes(), metrics);
        addBean(http);
        addBean(websockets);
    }

    /** Blocking, like the hub's routes: deciding reads the catalog. */
    @Override
    public InvocationType getInvocationType() {
        return InvocationType.BLOCKING;
    }

    @Override
    public void setServer(Server server) {
        super.setServer(server);
        http.setServer(server);
    }

    @Override
    protected void doStart() throws Exception {
        websockets.attachTo(getServer());
        super.doStart();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        Optional<String> hostUser = origins.userOfHost(Request.getServerName(request));
        if (hostUser.isEmpty() && !path.startsWith(PREFIX)) {
            return super.handle(request, response, callback);
        }
        Exchange ex = Exchange.of(request, response, callback);
        try {
            proxy(ex, request, response, callback, path, hostUser);
        } catch (HttpError e) {
            answer(ex, request, e);
        } catch (RuntimeException e) {
            log.atError().setCause(e).addKeyValue("path", path).log("proxying failed");
            answer(ex, request, new HttpError(500, "internal_error", "something went wrong on the hub; the error was logged"));
        }
        return true;
    }

    private void proxy(Exchange ex, Request request, Response response, Callback callback, String path,
                       Optional<String> hostUser) {
        if (hostUser.isPresent() && path.equals(UserOrigins.LOGIN_PATH)) {
            origins.completeHandOver(ex, hostUser.get());
            return;
        }
        UserPath target = UserPath.parse(path)
                .filter(p -> hostUser.isEmpty() || p.user().equals(hostUser.get()))
                .orElseThrow(() -> HttpError.notFound(hostUser.map(u -> "this address serves only " + u + "'s notebook servers, under /user/" + u + "/")
                        .orElse("there is nothing at " + path)));

        Principal who = hostUser.isPresent() && ex.header("Authorization").isEmpty()
                ? origins.authenticate(ex, hostUser.get())
                : authenticator.authenticateRemembered(ex);
        ex.principal(who);
        if (who.isAnonymous()) {
            if (hostUser.isPresent() && isNavigation(request)) {
                // The hub's host logs the visitor in (if need be) and hands them back here.
                ex.redirect(origins.hubOrigin(ex) + ex.pathAndQuery());
                return;
            }
            throw HttpError.unauthorized("log in to the hub first, or send a token with the servers scope");
        }
        if (!who.has(Scope.SERVERS)) {
            throw HttpError.forbidden("this token lacks the servers scope");
        }
        boolean own = who.name().equals(target.user());
        if (!own && !(who.isAdmin() && adminAccess)) {
            throw HttpError.forbidden(who.isAdmin()
                    ? "admins may open other users' servers only when proxy.admin_access is on"
                    : "this is another user's notebook server");
        }

        if (target.rest().isEmpty() && !path.endsWith("/")) {
            ex.redirect(path + "/" + query(request));
            return;
        }

        if (hostUser.isEmpty() && origins.enabled() && who.method() == Principal.Method.SESSION) {
            // Notebooks are served on their own origin: hand the browser over to it.
            if (!SAFE_METHODS.contains(request.getMethod())) {
                throw HttpError.forbidden("notebooks are served at " + origins.originOf(ex, target.user()) + "; send this request there");
            }
            String cookie = ex.cookie(Cookies.name(Cookies.SESSION, ex.secure())).orElseThrow();
            ex.redirect(origins.handOver(ex, cookie, target.user(), ex.pathAndQuery()));
            return;
        }

        boolean upgrade = websockets.isUpgrade(request);
        if (who.isAmbient()) {
            checkOrigin(ex, request, upgrade, hostUser.isPresent());
        }

        ServerDirectory.Resolved resolved = directory.resolve(target.user(), target.firstSegment());
        ServerKey key = resolved.key();
        if (!key.isDefault() && target.rest().equals(key.server())) {
            ex.redirect(key.baseUrl() + query(request));
            return;
        }
        var server = resolved.server().filter(s -> s.state() == State.RUNNING);
        if (server.isEmpty()) {
            notRunning(ex, request, key, resolved.server().map(s -> s.state().id()).orElse("none"), hostUser.isPresent());
            return;
        }
        if (!own) {
            auditAdminVisit(ex, who, server.get());
        }

        Upstream upstream = new Upstream(key, spawner.containers().socket(key), spawner.tokenOf(server.get()), upstreamPath(request));
        spawner.recordActivity(key);
        metrics.proxied(upgrade ? "websocket" : "http", "forwarded");
        if (upgrade) {
            websockets.forward(request, response, callback, upstream, () -> spawner.recordActivity(key));
            return;
        }
        request.setAttribute(Upstream.ATTRIBUTE, upstream);
        try {
            http.handle(request, response, callback);
        } catch (Exception e) {
            throw new IllegalStateException("the proxy handler failed", e);
        }
    }

    /**
     * A browser's request that could change something, and every WebSocket, must come from the page's own origin:
     * a WebSocket is not bound by the same-origin policy, and another site could otherwise drive a kernel with the
     * visitor's cookie (cross-site WebSocket hijacking).
     */
    private void checkOrigin(Exchange ex, Request request, boolean upgrade, boolean onUserHost) {
        if (!upgrade && SAFE_METHODS.contains(request.getMethod())) {
            return;
        }
        String expected = onUserHost ? ex.ownOrigin().toLowerCase(Locale.ROOT) : csrf.expectedOrigin(ex);
        // A WebSocket upgrade must say its Origin (browsers always do); a Referer alone is not enough there.
        Optional<String> origin = upgrade ? ex.header("Origin").filter(o -> !o.equals("null")) : CsrfGuard.claimedOrigin(ex);
        if (origin.isEmpty()) {
            throw new HttpError(403, "cross_origin", "refused: a browser request that changes something must say where it comes from (Origin)");
        }
        if (!origin.get().toLowerCase(Locale.ROOT).equals(expected)) {
            throw new HttpError(403, "cross_origin", (upgrade ? "cross-origin WebSocket refused" : "cross-origin request refused")
                    + ": it came from " + origin.get() + ", not from " + expected);
        }
    }

    private void notRunning(Exchange ex, Request request, ServerKey key, String state, boolean onUserHost) {
        metrics.proxied(websockets.isUpgrade(request) ? "websocket" : "http", "not_running");
        if (isNavigation(request) && ex.principal().isAmbient()) {
            // A browser goes to the dashboard, which offers to start the server and then comes back here.
            String hub = onUserHost ? origins.hubOrigin(ex) : "";
            ex.redirect(hub + "/?next=" + URLEncoder.encode(ex.pathAndQuery(), StandardCharsets.UTF_8));
            return;
        }
        if (state.equals("starting")) {
            ex.setHeader("Retry-After", "2");
            ex.json(503, Map.of("error", "server_starting", "message", key.describe() + " is starting; try again in a moment",
                    "state", state));
            return;
        }
        ex.json(503, Map.of("error", "server_not_running", "state", state, "message", key.describe() + " is not running; start it "
                + "first (POST /api/users/" + key.user() + (key.isDefault() ? "/server" : "/servers/" + key.server()) + ")"));
    }

    private void auditAdminVisit(Exchange ex, Principal who, org.labhub.spawner.Server server) {
        String visit = who.name() + "|" + server.id() + "|" + server.startNonce().orElse("");
        if (auditedVisits.putIfAbsent(visit, Boolean.TRUE) == null) {
            if (auditedVisits.size() > 10_000) {
                auditedVisits.clear();
            }
            audit.record(who.name(), "server.admin_access", server.key().toString(), AuditLog.Outcome.OK, ex.clientAddress(),
                    "admin opened another user's server through the proxy");
            log.atInfo().addKeyValue("admin", who.name()).addKeyValue("server", server.key()).log("admin access to a user's server");
        }
    }

    /**
     * The path to ask the notebook for: the one the client sent when it was already canonical, else the canonical
     * one the decision was made on (re-encoded), so that what is forwarded is what was checked.
     */
    private static String upstreamPath(Request request) {
        String raw = request.getHttpURI().getPath();
        String canonical = Request.getPathInContext(request);
        String path = canonical.equals(URIUtil.decodePath(raw)) ? raw : URIUtil.encodePath(canonical);
        return path + query(request);
    }

    private static String query(Request request) {
        String q = request.getHttpURI().getQuery();
        return q == null ? "" : "?" + q;
    }

    static boolean isNavigation(Request request) {
        if (!request.getMethod().equals("GET")) {
            return false;
        }
        String mode = request.getHeaders().get("Sec-Fetch-Mode");
        if (mode != null) {
            return mode.equals("navigate");
        }
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        return accept != null && accept.contains("text/html");
    }

    private void answer(Exchange ex, Request request, HttpError e) {
        if (ex.responded()) {
            return;
        }
        metrics.proxied(websockets.isUpgrade(request) ? "websocket" : "http", e.status() >= 500 ? "failed" : "refused");
        SecurityHeaders.addTo(ex.response().getHeaders(), tls);
        if (isNavigation(request) && ex.principal().isAmbient()) {
            errors.render(ex, e);
        } else {
            errors.json(ex, e);
        }
    }

    /** The user a {@code /user/<user>/<rest>} path names, and the first segment of the rest (a named server, maybe). */
    record UserPath(String user, String rest) {
        private static final java.util.regex.Pattern USER_NAME = java.util.regex.Pattern.compile(User.NAME_PATTERN);

        static Optional<UserPath> parse(String path) {
            if (!path.startsWith(PREFIX)) {
                return Optional.empty();
            }
            String tail = path.substring(PREFIX.length());
            int slash = tail.indexOf('/');
            String user = slash < 0 ? tail : tail.substring(0, slash);
            if (!USER_NAME.matcher(user).matches()) {
                return Optional.empty();
            }
            return Optional.of(new UserPath(user, slash < 0 ? "" : tail.substring(slash + 1)));
        }

        String firstSegment() {
            int slash = rest.indexOf('/');
            return slash < 0 ? rest : rest.substring(0, slash);
        }
    }
}
