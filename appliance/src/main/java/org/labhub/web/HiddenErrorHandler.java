package org.labhub.web;

import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's last-resort error page (bad URIs, failures outside the router): only the status and its standard
 * phrase, never an exception message or stack trace.
 */
public final class HiddenErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus() < 400 ? 500 : response.getStatus();
        String phrase = HttpStatus.getMessage(status);
        response.setStatus(status);
        // Requests Jetty rejects before the handler tree (bad URIs, oversized headers) never pass SecurityHeaders.
        SecurityHeaders.addTo(response.getHeaders(), request.isSecure());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        // Jetty closes the connection after a request it could not parse (a NUL in the path, say) but does not say so:
        // a keep-alive client that already sent its next request on it would see the connection end with no reply.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        String code = phrase.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "_");
        Content.Sink.write(response, true, "{\"error\":\"" + code + "\",\"message\":\"" + phrase + "\"}", callback);
        return true;
    }
}
