package org.labhub.proxy;

import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards plain HTTP to a notebook's Unix socket with Jetty's proxy: bodies stream through in both directions with
 * backpressure (a 1 GB upload or download never sits in the hub's memory). Upstream it sends {@code Host: localhost}
 * and the server's token instead of the caller's credentials, and it never passes on the hub's own cookies, either
 * way: the notebook never sees a hub session, and cannot set one.
 */
final class HttpForwarder extends ProxyHandler {
    private static final Logger log = LoggerFactory.getLogger(HttpForwarder.class);
    /** A notebook that sends nothing for this long on one request (no byte of a download) is given up on. */
    private static final long UPSTREAM_IDLE_MS = TimeUnit.MINUTES.toMillis(5);

    private final ProxyMetrics metrics;

    HttpForwarder(ProxyMetrics metrics) {
        this.metrics = metrics;
        setProxyToServerHost("localhost");
        setViaHost("labhub");
    }

    @Override
    protected HttpClient newHttpClient() {
        HttpClient client = new HttpClient();
        QueuedThreadPool threads = new QueuedThreadPool(64, 2);
        threads.setName("proxy-client");
        threads.setDaemon(true);
        client.setExecutor(threads);
        return client;
    }

    @Override
    protected void configureHttpClient(HttpClient client) {
        super.configureHttpClient(client);
        client.setConnectTimeout(5_000);
        client.setIdleTimeout(UPSTREAM_IDLE_MS);
        // Kernels' long polls and many tabs of one user share one socket's pool.
        client.setMaxConnectionsPerDestination(256);
        client.setMaxRequestsQueuedPerDestination(4096);
        // Stopped servers' pools go away instead of piling up (one destination per socket).
        client.setDestinationIdleTimeout(TimeUnit.MINUTES.toMillis(5));
        // Reads from the notebook in 64 KiB pieces instead of 16 KiB: fewer, larger writes to the browser for big
        // downloads (bench/run.sh proxy: 1 GiB through the hub, see docs/benchmarks.md).
        client.setResponseBufferSize(64 * 1024);
    }

    @Override
    protected HttpURI rewriteHttpURI(Request request) {
        return HttpURI.build("http://localhost" + upstream(request).pathAndQuery());
    }

    @Override
    protected org.eclipse.jetty.client.Request newProxyToServerRequest(Request request, HttpURI uri) {
        return super.newProxyToServerRequest(request, uri)
                .transport(new Transport.TCPUnix(upstream(request).socket()))
                .idleTimeout(UPSTREAM_IDLE_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void copyRequestHeaders(Request request, org.eclipse.jetty.client.Request upstreamRequest) {
        super.copyRequestHeaders(request, upstreamRequest);
        String token = upstream(request).token();
        upstreamRequest.headers(h -> {
            h.remove(HttpHeader.AUTHORIZATION);
            h.put(HttpHeader.AUTHORIZATION, "token " + token);
            h.remove(HttpHeader.COOKIE);
            HubCookies.withoutHubCookies(request.getHeaders()).ifPresent(c -> h.put(HttpHeader.COOKIE, c));
        });
    }

    @Override
    protected HttpField filterServerToProxyResponseField(HttpField field) {
        if (field.getHeader() == HttpHeader.SET_COOKIE && HubCookies.setsHubCookie(field.getValue())) {
            log.warn("a notebook server tried to set a hub cookie; dropped");
            return null;
        }
        return super.filterServerToProxyResponseField(field);
    }

    @Override
    protected void onServerToProxyResponseFailure(Request request, org.eclipse.jetty.client.Request upstreamRequest,
                                                  org.eclipse.jetty.client.Response upstreamResponse, Response response,
                                                  Callback callback, Throwable failure) {
        Upstream u = upstream(request);
        metrics.proxied("http", "upstream_failed");
        if (response.isCommitted()) {
            // Half-way through a body: all that can be done is to cut the connection, so the client sees a broken transfer.
            log.atDebug().addKeyValue("server", u.key()).log("upstream failed mid-response: {}", failure.toString());
            callback.failed(failure);
            return;
        }
        log.atInfo().addKeyValue("server", u.key()).log("notebook server did not answer: {}", failure.toString());
        ProxyErrors.write(request, response, callback, 502, "server_unreachable",
                u.key().describe() + " is not answering; it may still be starting, or have stopped. Reload in a moment.");
    }

    private static Upstream upstream(Request request) {
        return (Upstream) request.getAttribute(Upstream.ATTRIBUTE);
    }
}
