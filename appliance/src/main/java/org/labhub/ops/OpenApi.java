package org.labhub.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.labhub.web.Access;
import org.labhub.web.Json;
import org.labhub.web.Route;
import tools.jackson.databind.SerializationFeature;

/**
 * The OpenAPI 3.1 description of {@code /api/}, generated from the route tables so it cannot drift:
 * paths, methods, summaries, path parameters, and who may call each route ({@code x-access}).
 * The same text is committed as {@code docs/openapi.json}; a test keeps them equal.
 */
public final class OpenApi {
    private static final Pattern PARAM = Pattern.compile("\\{(\\w+)}");

    private final Supplier<List<Route>> routes;
    private final String version;
    private volatile String json;

    public OpenApi(Supplier<List<Route>> routes, String version) {
        this.routes = routes;
        this.version = version;
    }

    public String json() {
        if (json == null) {
            json = Json.MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(document(routes.get(), version)) + "\n";
        }
        return json;
    }

    private static Map<String, Object> document(List<Route> routes, String version) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put("info", Map.of("title", "labhub API", "version", version,
                "description", "JSON API of labhub. Authenticate with \"Authorization: token <token>\" (or Bearer). "
                        + "Errors are {\"error\": code, \"message\": text}. Shaped after JupyterHub's REST API."));
        Map<String, Map<String, Object>> paths = new TreeMap<>();
        for (Route r : routes) {
            if (!r.isApi()) {
                continue;
            }
            paths.computeIfAbsent(r.template(), k -> new LinkedHashMap<>()).put(r.method().toLowerCase(), operation(r));
        }
        doc.put("paths", paths);
        doc.put("components", Map.of(
                "securitySchemes", Map.of(
                        "token", Map.of("type", "http", "scheme", "bearer", "description", "API token; \"token <t>\" is accepted too"),
                        "basic", Map.of("type", "http", "scheme", "basic", "description", "only to create a token")),
                "schemas", Map.of("Error", Map.of("type", "object", "required", List.of("error", "message"),
                        "properties", Map.of("error", Map.of("type", "string"), "message", Map.of("type", "string"))))));
        return doc;
    }

    private static Map<String, Object> operation(Route r) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("summary", r.summary());
        op.put("operationId", r.method().toLowerCase() + r.template().replaceAll("[^A-Za-z0-9]+", "_"));
        List<Map<String, Object>> params = new ArrayList<>();
        Matcher m = PARAM.matcher(r.template());
        while (m.find()) {
            params.add(Map.of("name", m.group(1), "in", "path", "required", true, "schema", Map.of("type", "string")));
        }
        if (!params.isEmpty()) {
            op.put("parameters", params);
        }
        if (r.access().kind() == Access.Kind.ANYONE) {
            op.put("security", List.of());
        } else {
            List<Map<String, List<String>>> security = new ArrayList<>();
            security.add(Map.of("token", List.of(r.access().scope().id())));
            if (r.basicAuth()) {
                security.add(Map.of("basic", List.of()));
            }
            op.put("security", security);
        }
        op.put("x-access", r.access().toString());
        if (r.method().equals("POST") || r.method().equals("PATCH")) {
            op.put("requestBody", Map.of("required", false, "content", Map.of("application/json", Map.of("schema", Map.of("type", "object")))));
        }
        Map<String, Object> error = Map.of("description", "error", "content",
                Map.of("application/json", Map.of("schema", Map.of("$ref", "#/components/schemas/Error"))));
        op.put("responses", Map.of("2XX", Map.of("description", "success"), "4XX", error, "5XX", error));
        return op;
    }
}
