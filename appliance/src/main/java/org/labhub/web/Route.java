package org.labhub.web;

import org.eclipse.jetty.http.pathmap.UriTemplatePathSpec;

/** One line of a route table: method, path template, who may call it, the handler, and a summary for the API docs. */
public record Route(String method, String template, Access access, Endpoint endpoint, String summary, boolean basicAuth) {

    UriTemplatePathSpec spec() {
        return new UriTemplatePathSpec(template);
    }

    public boolean isApi() {
        return Router.isApiPath(template);
    }
}
