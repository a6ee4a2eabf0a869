package org.labhub.podman;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** One line of {@code podman ps -a}: enough to reconcile the catalog with what really runs. */
public record ContainerSummary(String id, List<String> names, String image, String state, int exitCode,
                               Map<String, String> labels, Optional<Instant> created) {

    static ContainerSummary from(JsonNode j) {
        return new ContainerSummary(PodmanJson.text(j, "Id"), PodmanJson.strings(j, "Names"), PodmanJson.text(j, "Image"),
                PodmanJson.text(j, "State"), (int) PodmanJson.number(j, "ExitCode"), PodmanJson.stringMap(j, "Labels"),
                PodmanJson.time(j, "Created"));
    }
}
