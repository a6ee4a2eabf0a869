package org.labhub.ops;

import java.util.LinkedHashMap;
import java.util.Map;
import org.labhub.auth.Scope;
import org.labhub.catalog.Catalog;
import org.labhub.web.Access;
import org.labhub.web.Exchange;
import org.labhub.web.Routes;

/** Health, metrics and the API description: what operators and monitoring read. */
public final class OpsRoutes implements Routes.Provider {
    private final Catalog catalog;
    private final HubMetrics metrics;
    private final OpenApi openApi;

    public OpsRoutes(Catalog catalog, HubMetrics metrics, OpenApi openApi) {
        this.catalog = catalog;
        this.metrics = metrics;
        this.openApi = openApi;
    }

    @Override
    public void register(Routes r) {
        r.get("/api/health", Access.anyone(), this::health, "Is the hub healthy? 200 when every check passes, else 503")
         .get("/metrics", Access.admin(Scope.READ), this::metrics, "Prometheus metrics (admins, or an admin's token with read)")
         .get("/api/openapi.json", Access.anyone(), this::openApi, "This API's OpenAPI description");
    }

    private void health(Exchange ex) {
        Map<String, String> checks = new LinkedHashMap<>();
        checks.put("catalog", catalog.isReachable() ? "ok" : "unreachable");
        boolean ok = checks.values().stream().allMatch("ok"::equals);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ok ? "ok" : "failing");
        body.put("checks", checks);
        ex.json(ok ? 200 : 503, body);
    }

    private void metrics(Exchange ex) {
        ex.send(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
    }

    private void openApi(Exchange ex) {
        ex.send(200, "application/json", openApi.json());
    }
}
