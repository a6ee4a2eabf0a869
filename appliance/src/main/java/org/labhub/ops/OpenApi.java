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
    private static final Pattern PARAM = Pattern.compile("\\{(\\w+)\\*?}");

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
        doc.put("info", ordered("title", "labhub API", "version", version,
                "description", "JSON API of labhub. Authenticate with \"Authorization: token <token>\" (or Bearer). "
                        + "Errors are {\"error\": code, \"message\": text}. Shaped after JupyterHub's REST API."));
        Map<String, Map<String, Object>> paths = new TreeMap<>();
        for (Route r : routes) {
            if (!r.isApi()) {
                continue;
            }
            paths.computeIfAbsent(r.template().replace("*}", "}"), k -> new LinkedHashMap<>()).put(r.method().toLowerCase(), operation(r));
        }
        doc.put("paths", paths);
        doc.put("components", ordered(
                "securitySchemes", ordered(
                        "token", ordered("type", "http", "scheme", "bearer", "description", "API token; \"token <t>\" is accepted too"),
                        "basic", ordered("type", "http", "scheme", "basic", "description", "only to create a token")),
                "schemas", ordered("Error", ordered("type", "object", "required", List.of("error", "message"),
                        "properties", ordered("error", ordered("type", "string"), "message", ordered("type", "string"))))));
        return doc;
    }

    /**
     * A JSON object whose keys keep the order written. Not {@code Map.of}: its iteration order changes from one JVM
     * to the next, which made the generated text differ between runs and docs/openapi.json impossible to keep equal.
     */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static Map<String, Object> operation(Route r) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("summary", r.summary());
        op.put("operationId", r.method().toLowerCase() + r.template().replace("*}", "}").replaceAll("[^A-Za-z0-9]+", "_"));
        List<Map<String, Object>> params = new ArrayList<>();
        Matcher m = PARAM.matcher(r.template());
        while (m.find()) {
            params.add(ordered("name", m.group(1), "in", "path", "required", true, "schema", ordered("type", "string")));
        }
        if (!params.isEmpty()) {
            op.put("parameters", params);
        }
        if (r.access().kind() == Access.Kind.ANYONE) {
            op.put("security", List.of());
        } else {
            List<Map<String, List<String>>> security = new ArrayList<>();
            security.add(Map.of("token", List.of(r.access().scope().id())));
            if (r.basic() != Route.Basic.NONE) {
                security.add(Map.of("basic", List.of()));
            }
            op.put("security", security);
        }
        op.put("x-access", r.access().toString());
        if (r.method().equals("POST") || r.method().equals("PATCH")) {
            op.put("requestBody", ordered("required", false, "content", ordered("application/json", ordered("schema", ordered("type", "object")))));
        }
        Map<String, Object> error = ordered("description", "error", "content",
                ordered("application/json", ordered("schema", ordered("$ref", "#/components/schemas/Error"))));
        op.put("responses", ordered("2XX", ordered("description", "success"), "4XX", error, "5XX", error));
        return op;
    }
}
