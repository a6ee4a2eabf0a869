package org.labhub.web;

import java.util.ArrayList;
import java.util.List;

/** Collects the route tables that features declare, so each feature's routes read as one table. */
public final class Routes {
    private final List<Route> routes = new ArrayList<>();

    public Routes get(String path, Access access, Endpoint endpoint, String summary) {
        return add("GET", path, access, endpoint, summary);
    }

    public Routes post(String path, Access access, Endpoint endpoint, String summary) {
        return add("POST", path, access, endpoint, summary);
    }

    public Routes patch(String path, Access access, Endpoint endpoint, String summary) {
        return add("PATCH", path, access, endpoint, summary);
    }

    public Routes delete(String path, Access access, Endpoint endpoint, String summary) {
        return add("DELETE", path, access, endpoint, summary);
    }

    public Routes add(String method, String path, Access access, Endpoint endpoint, String summary) {
        routes.add(new Route(method, path, access, endpoint, summary, Route.Basic.NONE));
        return this;
    }

    /** A route that also accepts HTTP Basic with the user's own password (token bootstrap, as JupyterHub allows). */
    public Routes postWithBasicAuth(String path, Access access, Endpoint endpoint, String summary) {
        routes.add(new Route("POST", path, access, endpoint, summary, Route.Basic.PASSWORD));
        return this;
    }

    /** A route for WebDAV clients, which authenticate with HTTP Basic: user name and an app password (a token). */
    public Routes addWithAppPassword(String method, String path, Access access, Endpoint endpoint, String summary) {
        routes.add(new Route(method, path, access, endpoint, summary, Route.Basic.APP_PASSWORD));
        return this;
    }

    /** A route of a public link's WebDAV: no hub credentials, HTTP Basic with the link's password (see {@link Route.Basic#LINK_PASSWORD}). */
    public Routes addForLink(String method, String path, Endpoint endpoint, String summary) {
        routes.add(new Route(method, path, Access.anyone(), endpoint, summary, Route.Basic.LINK_PASSWORD));
        return this;
    }

    public List<Route> list() {
        return List.copyOf(routes);
    }

    /** A feature that serves HTTP declares all its routes in one method. */
    public interface Provider {
        void register(Routes routes);
    }
}
