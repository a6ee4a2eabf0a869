package org.labhub.bench;

import java.nio.file.Path;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Jetty's HTTP client as the proxy benchmark uses it on every side, so that the only difference between sides is
 * where the bytes go: loopback TCP (the hub, configurable-http-proxy) or a notebook's Unix socket (the floor).
 */
final class JettyClients {
    private JettyClients() {}

    /** A client over loopback TCP. */
    static HttpClient tcp(String name) throws Exception {
        return started(new HttpClient(), name);
    }

    /**
     * A client whose every request goes to {@code socket}, whatever host its URL names: the URL's host becomes the
     * {@code Host} header only (the notebook wants {@code localhost}).
     */
    static HttpClient unix(String name, Path socket) throws Exception {
        return started(new HttpClient(new HttpClientTransportOverHTTP(new ClientConnector()) {
            @Override
            public Origin newOrigin(org.eclipse.jetty.client.Request request) {
                if (request.getTransport() == null) {
                    request.transport(new Transport.TCPUnix(socket));
                }
                return super.newOrigin(request);
            }
        }), name);
    }

    private static HttpClient started(HttpClient client, String name) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName(name);
        threads.setDaemon(true);
        client.setExecutor(threads);
        client.setConnectTimeout(10_000);
        client.setIdleTimeout(120_000);
        client.setMaxConnectionsPerDestination(64);
        client.setFollowRedirects(false);
        // No "User-Agent: Jetty/…" difference between sides, and no cookies kept between requests.
        client.setUserAgentField(null);
        client.setHttpCookieStore(new org.eclipse.jetty.http.HttpCookieStore.Empty());
        client.start();
        // No Accept-Encoding: the download must be the file's bytes, on every side alike.
        client.getContentDecoderFactories().clear();
        return client;
    }
}
