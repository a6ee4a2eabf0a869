package org.labhub.web;

/**
 * One line of a route table: method, path template (see {@link PathTemplate}), who may call it, the handler,
 * a summary for the API docs, and what HTTP Basic credentials it takes besides tokens and sessions.
 */
public record Route(String method, String template, Access access, Endpoint endpoint, String summary, Basic basic) {

    /** What an {@code Authorization: Basic} header may carry on a route. */
    public enum Basic {
        /** Not accepted: tokens and sessions only. */
        NONE,
        /** The user's login password (only to create a token, as JupyterHub allows). */
        PASSWORD,
        /** The user name and one of their API tokens as the password: an app password for WebDAV clients. */
        APP_PASSWORD,
        /**
         * A public link's WebDAV: Basic carries the link's password (any user name), which the link checks; without
         * an Authorization header the caller is {@link org.labhub.auth.Principal#LINK}, cookies ignored.
         */
        LINK_PASSWORD
    }

    PathTemplate spec() {
        return new PathTemplate(template);
    }

    public boolean isApi() {
        return Router.isApiPath(template);
    }
}
