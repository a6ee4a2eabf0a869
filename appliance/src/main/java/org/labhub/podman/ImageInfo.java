package org.labhub.podman;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * An image as the catalog records an environment: id, digest, names, size, labels, creation time.
 * The list and the inspect endpoints spell {@code Created} differently (seconds vs. RFC 3339); both land here.
 *
 * @param repoDigests {@code repository@sha256:…} references, which stay valid when tags move
 */
public record ImageInfo(String id, String digest, List<String> names, long sizeBytes, Map<String, String> labels,
                        Optional<Instant> created, List<String> repoDigests) {

    static ImageInfo from(JsonNode j) {
        JsonNode created = j.path("Created");
        Optional<Instant> when = created.isNumber() ? Optional.of(Instant.ofEpochSecond(created.asLong()))
                : PodmanJson.time(j, "Created");
        return new ImageInfo(PodmanJson.text(j, "Id"), PodmanJson.text(j, "Digest"), PodmanJson.strings(j, "RepoTags"),
                PodmanJson.number(j, "Size"), PodmanJson.stringMap(j, "Labels"), when, PodmanJson.strings(j, "RepoDigests"));
    }
}
