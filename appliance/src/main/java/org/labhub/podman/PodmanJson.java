package org.labhub.podman;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Podman's JSON, read by its own field names (a mix of PascalCase, camelCase and snake_case that the hub's
 * snake_case {@code web.Json} mapper must not touch), tolerant of fields Podman adds in later versions.
 */
final class PodmanJson {
    private PodmanJson() {}

    static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Podman writes Go's zero time for "never" (a container that has not started yet). */
    private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

    static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isValueNode() && !v.isNull() ? v.asString() : "";
    }

    static long number(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isNumber() ? v.asLong() : 0;
    }

    static double decimal(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isNumber() ? v.asDouble() : 0;
    }

    static boolean bool(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isBoolean() && v.asBoolean();
    }

    static List<String> strings(JsonNode node, String field) {
        List<String> out = new ArrayList<>();
        JsonNode v = node.path(field);
        if (v.isArray()) {
            v.values().forEach(e -> out.add(e.asString()));
        }
        return List.copyOf(out);
    }

    static Map<String, String> stringMap(JsonNode node, String field) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode v = node.path(field);
        if (v.isObject()) {
            v.properties().forEach(e -> out.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asString()));
        }
        return out;
    }

    /** An RFC 3339 time, empty for Go's zero time or anything unparsable. */
    static Optional<Instant> time(JsonNode node, String field) {
        String s = text(node, field);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        try {
            Instant t = Instant.parse(s);
            return t.equals(GO_ZERO_TIME) ? Optional.empty() : Optional.of(t);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
