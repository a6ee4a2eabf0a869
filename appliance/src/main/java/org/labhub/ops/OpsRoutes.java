package org.labhub.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.labhub.auth.Scope;
import org.labhub.catalog.Catalog;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.Routes;

/** Health, metrics and the API description: what operators and monitoring read. */
public final class OpsRoutes implements Routes.Provider {
    private final Catalog catalog;
    private final Supplier<String> podmanHealth;
    private final Supplier<String> searchHealth;
    private final HubMetrics metrics;
    private final OpenApi openApi;

    /**
     * @param podmanHealth "ok" or a few words on what is wrong with Podman
     * @param searchHealth "ok" or a few words on why search may lag behind the files
     */
    public OpsRoutes(Catalog catalog, Supplier<String> podmanHealth, Supplier<String> searchHealth, HubMetrics metrics, OpenApi openApi) {
        this.catalog = catalog;
        this.podmanHealth = podmanHealth;
        this.searchHealth = searchHealth;
        this.metrics = metrics;
        this.openApi = openApi;
    }

    @Override
    public void register(Routes r) {
        r.get("/api/health", Access.anyone(), this::health,
                "Is the hub healthy? 200 with status ok, or degraded when a part is impaired (podman: no new notebook servers; search: "
                + "some homes not watched, so their changes are found only after the next reconcile); 503 failing when the catalog fails")
         .get("/metrics", Access.admin(Scope.READ), this::metrics, "Prometheus metrics (admins, or an admin's token with read)")
         .get("/api/openapi.json", Access.anyone(), this::openApi, "This API's OpenAPI description");
    }

    /**
     * Without the catalog the hub can serve nothing: 503, so a supervisor restarts it or a balancer routes away.
     * Without Podman it still serves logins, files and running servers, and restarting the hub would not bring
     * Podman back: 200 with status "degraded", for monitoring to alert on (docs/adr/0008). The same for search that
     * lags behind because the kernel refused more file watches: an operator raises the limit, a restart does not help.
     */
    private void health(Exchange ex) {
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("catalog", catalog.isReachable() ? "ok" : "unreachable");
        checks.put("podman", podmanHealth.get());
        checks.put("search", searchHealth.get());
        boolean catalogOk = checks.get("catalog").equals("ok");
        boolean allOk = checks.values().stream().allMatch("ok"::equals);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", allOk ? "ok" : catalogOk ? "degraded" : "failing");
        body.put("checks", checks);
        ex.json(catalogOk ? 200 : 503, body);
    }

    private void metrics(Exchange ex) {
        ex.send(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
    }

    private void openApi(Exchange ex) {
        ex.send(200, "application/json", openApi.json());
    }
}
