package org.labhub.bench;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;

/**
 * One way to the same notebook server: a label, the client to use, the origin URLs are made from
 * ({@code http://localhost} over the socket, {@code http://127.0.0.1:PORT} otherwise), and the
 * {@code Authorization} header the caller sends (none when the proxy adds the notebook's token itself).
 */
record ProxySide(String label, HttpClient client, String origin, String authorization) {
    ProxySide {
        if (!origin.equals("http://localhost") && !origin.startsWith("http://127.0.0.1:")) {
            throw new IllegalArgumentException("benchmarks talk to the loopback address or a Unix socket only, not " + origin);
        }
    }

    /** A request for {@code path} (which starts with {@code /user/<name>/}) with this side's credentials. */
    Request request(String path) {
        Request r = client.newRequest(origin + path);
        if (authorization != null) {
            r.headers(h -> h.put(HttpHeader.AUTHORIZATION, authorization));
        }
        return r;
    }

    /** The same place for a WebSocket. */
    String wsOrigin() {
        return "ws" + origin.substring("http".length());
    }
}
