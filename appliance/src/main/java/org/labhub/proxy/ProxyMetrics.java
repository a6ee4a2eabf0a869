package org.labhub.proxy;

import java.util.function.IntSupplier;

/** What the proxy reports for /metrics: each request's kind and outcome, and how many WebSockets are open. */
public interface ProxyMetrics {
    /**
     * @param kind {@code http} or {@code websocket}
     * @param outcome {@code forwarded}, {@code refused} (400/401/403/404), {@code not_running}, {@code upstream_failed}
     *                (the notebook did not answer) or {@code failed} (the hub failed)
     */
    void proxied(String kind, String outcome);

    /** Registers the source of the number of WebSockets open through the proxy. */
    void watchOpenWebSockets(IntSupplier open);
}
