package org.labhub.podman;

import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import tools.jackson.databind.JsonNode;

/**
 * One line of Podman's event stream, such as a container that {@code died}.
 *
 * @param type container, image, pod, volume, …
 * @param action create, init, start, kill, died, cleanup, remove, …
 * @param attributes Podman's actor attributes: name, image, the container's labels, containerExitCode
 */
public record PodmanEvent(String type, String action, String id, String name, Instant time, Map<String, String> attributes) {

    /** The exit code of a container that died; empty for every other event. */
    public OptionalInt exitCode() {
        String code = attributes.getOrDefault("containerExitCode", "");
        if (!action.equals("died") || code.isEmpty()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(code));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    static PodmanEvent from(JsonNode j) {
        JsonNode actor = j.path("Actor");
        Map<String, String> attributes = PodmanJson.stringMap(actor, "Attributes");
        long nanos = PodmanJson.number(j, "timeNano");
        Instant time = nanos > 0 ? Instant.ofEpochSecond(0, nanos) : Instant.ofEpochSecond(PodmanJson.number(j, "time"));
        return new PodmanEvent(PodmanJson.text(j, "Type"), PodmanJson.text(j, "Action"), PodmanJson.text(actor, "ID"),
                attributes.getOrDefault("name", ""), time, Map.copyOf(attributes));
    }
}
