package org.labhub.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Origin;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.ContainerLifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.Configuration;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;
import org.eclipse.jetty.websocket.core.exception.UpgradeException;
import org.eclipse.jetty.websocket.core.server.Handshaker;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards WebSocket upgrades (kernel channels, terminals) to a notebook's Unix socket. Jetty's HTTP proxy does not
 * carry upgrades, so the hub ends the browser's WebSocket itself and opens its own to the notebook, then joins the
 * two with a {@link FrameBridge}. The notebook's connection is made first, while the browser waits for its answer:
 * a refusal (unknown kernel: 404) reaches the browser with the notebook's own status, and the subprotocol the
 * notebook picks is the one the browser gets.
 */
final class WebSocketForwarder extends ContainerLifeCycle {
    private static final Logger log = LoggerFactory.getLogger(WebSocketForwarder.class);
    /** Reaching the notebook's socket: a local connect, quick or never. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final Handshaker handshaker = Handshaker.newInstance();
    private final Configuration.ConfigurationCustomizer limits = new Configuration.ConfigurationCustomizer();
    private final WebSocketCoreClient client;
    private WebSocketComponents serverComponents;
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private final ProxyMetrics metrics;
    /** The notebook's answer to the upgrade: it waits for a new kernel's first reply, slow on a slow machine. */
    private final Duration handshakeTimeout;

    WebSocketForwarder(Duration idleTimeout, Duration handshakeTimeout, int maxFrameBytes, ProxyMetrics metrics) {
        this.metrics = metrics;
        this.handshakeTimeout = handshakeTimeout;
        metrics.watchOpenWebSockets(open::get);
        limits.setIdleTimeout(idleTimeout);
        limits.setMaxFrameSize(maxFrameBytes);
        // A frame bigger than the limit is passed on in pieces rather than refused: outputs of many MB are normal.
        limits.setAutoFragment(true);
        QueuedThreadPool threads = new QueuedThreadPool(64, 2);
        threads.setName("proxy-ws");
        threads.setDaemon(true);
        HttpClient http = new HttpClient(new UnixSocketTransport());
        http.setExecutor(threads);
        http.setConnectTimeout(CONNECT_TIMEOUT.toMillis());
        http.setDestinationIdleTimeout(TimeUnit.MINUTES.toMillis(5));
        client = new WebSocketCoreClient(http, null);
        addBean(client);
    }

    /** Binds the server half to the Jetty server (its buffer pools and extension registry). */
    void attachTo(org.eclipse.jetty.server.Server server) {
        serverComponents = WebSocketServerComponents.ensureWebSocketComponents(server);
    }

    boolean isUpgrade(Request request) {
        return handshaker.isWebSocketUpgradeRequest(request);
    }

    /** Upgrades the browser's request and joins it to a new connection to the notebook; answers the request either way. */
    void forward(Request request, Response response, Callback callback, Upstream upstream, Runnable activity) {
        FrameBridge bridge = new FrameBridge(activity, open);
        WebSocketNegotiator negotiator = new WebSocketNegotiator.AbstractNegotiator(limits) {
            @Override
            public FrameHandler negotiate(ServerUpgradeRequest up, ServerUpgradeResponse answer, Callback cb) {
                CoreSession notebook;
                try {
                    notebook = connect(upstream, up.getSubProtocols(), request, bridge.notebookSide());
                } catch (UpgradeException e) {
                    metrics.proxied("websocket", "upstream_failed");
                    int status = e.getResponseStatusCode() > 0 ? e.getResponseStatusCode() : 502;
                    ProxyErrors.write(request, answer, cb, status, "upgrade_refused",
                            "the notebook server refused the WebSocket (" + status + ")");
                    return null;
                } catch (Exception e) {
                    metrics.proxied("websocket", "upstream_failed");
                    log.atInfo().addKeyValue("server", upstream.key()).log("WebSocket to the notebook failed: {}", e.toString());
                    ProxyErrors.write(request, answer, cb, 502, "server_unreachable",
                            upstream.key().describe() + " is not answering its WebSocket; reload in a moment.");
                    return null;
                }
                String protocol = notebook.getNegotiatedSubProtocol();
                if (protocol != null && !protocol.isEmpty()) {
                    answer.setAcceptedSubProtocol(protocol);
                }
                return bridge.browserSide();
            }
        };
        try {
            if (!handshaker.upgradeRequest(negotiator, request, response, callback, serverComponents, null)) {
                bridge.abandon();
                ProxyErrors.write(request, response, callback, 400, "bad_upgrade", "not a valid WebSocket upgrade request");
            }
        } catch (RuntimeException e) {
            bridge.abandon();
            log.atInfo().log("WebSocket upgrade failed: {}", e.toString());
            if (!response.isCommitted()) {
                ProxyErrors.write(request, response, callback, 400, "bad_upgrade", "the WebSocket upgrade failed: " + e.getMessage());
            } else {
                callback.failed(e);
            }
        }
    }

    private CoreSession connect(Upstream upstream, List<String> subProtocols, Request request, FrameHandler handler) throws Exception {
        CoreClientUpgradeRequest up = CoreClientUpgradeRequest.from(client, URI.create("ws://localhost" + upstream.pathAndQuery()), handler);
        up.tag(upstream.socket());
        up.setConfiguration(limits);
        if (!subProtocols.isEmpty()) {
            up.setSubProtocols(subProtocols);
        }
        up.headers(h -> {
            h.put(HttpHeader.AUTHORIZATION, "token " + upstream.token());
            HubCookies.withoutHubCookies(request.getHeaders()).ifPresent(c -> h.put(HttpHeader.COOKIE, c));
        });
        up.timeout(handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return client.connect(up).get(handshakeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UpgradeException u) {
                throw u;
            }
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new TimeoutException("no WebSocket answer from the notebook in " + handshakeTimeout.toSeconds()
                    + " s (proxy.websocket_connect_timeout)");
        }
    }

    /** Plain HTTP/1.1, over the Unix socket a request's tag names (each socket its own connection pool). */
    private static final class UnixSocketTransport extends HttpClientTransportOverHTTP {
        UnixSocketTransport() {
            super(new ClientConnector());
        }

        @Override
        public Origin newOrigin(org.eclipse.jetty.client.Request request) {
            if (request.getTransport() == null && request.getTag() instanceof java.nio.file.Path socket) {
                request.transport(new Transport.TCPUnix(socket));
            }
            return super.newOrigin(request);
        }
    }
}
