package org.labhub.ops;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.labhub.proxy.ProxyMetrics;
import org.labhub.web.Router;

/** Prometheus metrics of the hub: requests by route and status, latency, accounts, servers, JVM memory. */
public final class HubMetrics implements Router.RequestObserver, ProxyMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Histogram latency;
    private final Counter proxied;

    /** @param serversByState notebook servers in the catalog by state (starting, running, stopping, stopped) */
    public HubMetrics(IntSupplier userCount, Supplier<Map<String, Integer>> serversByState) {
        requests = Counter.builder().name("labhub_http_requests_total").help("HTTP requests answered by the hub")
                .labelNames("method", "route", "status").register(registry);
        latency = Histogram.builder().name("labhub_http_request_duration_seconds").help("Time to answer a request")
                .labelNames("route").register(registry);
        proxied = Counter.builder().name("labhub_proxy_requests_total")
                .help("Requests to /user/<name>/ by kind (http, websocket) and outcome (forwarded, refused, not_running, upstream_failed)")
                .labelNames("kind", "outcome").register(registry);
        GaugeWithCallback.builder().name("labhub_users").help("Accounts in the catalog")
                .callback(cb -> cb.call(userCount.getAsInt())).register(registry);
        GaugeWithCallback.builder().name("labhub_servers").help("Notebook servers by state").labelNames("state")
                .callback(cb -> serversByState.get().forEach((state, n) -> cb.call(n, state))).register(registry);
        GaugeWithCallback.builder().name("labhub_jvm_heap_used_bytes").help("Java heap in use")
                .callback(cb -> cb.call(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed())).register(registry);
        GaugeWithCallback.builder().name("labhub_uptime_seconds").help("Seconds since the hub started")
                .callback(cb -> cb.call(ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0)).register(registry);
    }

    @Override
    public void observe(String method, String route, int status, long nanos) {
        requests.labelValues(method, route, Integer.toString(status)).inc();
        latency.labelValues(route).observe(nanos / 1e9);
    }

    @Override
    public void proxied(String kind, String outcome) {
        proxied.labelValues(kind, outcome).inc();
    }

    @Override
    public void watchOpenWebSockets(IntSupplier open) {
        GaugeWithCallback.builder().name("labhub_proxy_websockets_open").help("WebSockets open through the proxy (kernels, terminals)")
                .callback(cb -> cb.call(open.getAsInt())).register(registry);
    }

    /** Search's file watching: folders watched, and homes left to the periodic reconcile (alert when above 0). */
    public void watchSearch(IntSupplier watchedFolders, IntSupplier unwatchedHomes) {
        GaugeWithCallback.builder().name("labhub_search_watched_folders").help("Folders search watches for changes (inotify watches)")
                .callback(cb -> cb.call(watchedFolders.getAsInt())).register(registry);
        GaugeWithCallback.builder().name("labhub_search_unwatched_homes")
                .help("Homes search cannot watch (inotify limit or search.max_watched_folders): their changes are found at the next reconcile")
                .callback(cb -> cb.call(unwatchedHomes.getAsInt())).register(registry);
    }

    public String scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            new PrometheusTextFormatWriter(false).write(out, registry.scrape());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
