package org.labhub.proxy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.labhub.web.Json;

/** Answers the proxy gives itself once forwarding has begun (the router's error pages are out of reach there). */
final class ProxyErrors {
    private ProxyErrors() {}

    static void write(Request request, Response response, Callback callback, int status, String code, String message) {
        response.reset();
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        if (accept != null && accept.contains("text/html")) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/html;charset=utf-8");
            String page = "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>labhub: " + status + "</title>"
                    + "<body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\"><h1>" + status + "</h1><p>"
                    + escape(message) + "</p><p><a href=\"/\">Back to your dashboard</a></p></body></html>";
            Content.Sink.write(response, true, page, callback);
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("message", message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, StandardCharsets.UTF_8.encode(Json.MAPPER.writeValueAsString(body)), callback);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
