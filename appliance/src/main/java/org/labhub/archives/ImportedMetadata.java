package org.labhub.archives;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.labhub.web.Json;
import tools.jackson.databind.JsonNode;

/** The catalog row of an imported archive, read from its RO-Crate metadata and bag-info.txt (both checked by then). */
final class ImportedMetadata {
    private ImportedMetadata() {}

    static Archive archive(ArchiveImport.Staged s, String owner, Instant now) throws IOException {
        Path crate = s.bag().resolve("data/ro-crate-metadata.json");
        JsonNode root = null;
        JsonNode env = null;
        List<String> authors = new ArrayList<>();
        if (Files.isRegularFile(crate)) {
            JsonNode graph = Json.MAPPER.readTree(Files.readAllBytes(crate)).path("@graph");
            for (JsonNode n : graph) {
                String id = n.path("@id").asString("");
                if (id.equals("./")) {
                    root = n;
                } else if (id.equals("#environment")) {
                    env = n;
                } else if (id.startsWith("#author-")) {
                    authors.add(n.path("name").asString(""));
                }
            }
        }
        var info = s.bagInfo();
        String title = root != null ? root.path("name").asString("") : "";
        if (title.isBlank()) {
            title = info.getOrDefault("External-Description", "Imported archive " + s.id()).split("\n")[0];
        }
        String license = root == null ? "" : root.path("license").isObject() ? root.path("license").path("@id").asString("") : root.path("license").asString("");
        List<String> keywords = root == null || root.path("keywords").asString("").isBlank() ? List.of()
                : List.of(root.path("keywords").asString("").split(",\\s*"));
        String imageId = info.getOrDefault("Labhub-Image-Id", env == null ? "" : env.path("identifier").asString(""));
        return new Archive(s.id(), owner, ArchiveStore.trim(title, 500), root == null ? "" : ArchiveStore.trim(root.path("description").asString(""), 8000),
                authors, ArchiveStore.trim(license, 200), keywords, ArchiveStore.trim(info.getOrDefault("Labhub-Environment", ""), 64),
                imageId, info.getOrDefault("Labhub-Image-Digest", ""), "by reference".equals(info.get("Labhub-Image")),
                info.containsKey("Labhub-Does-Not-Run"), false, now, s.bytes(), "ok", Optional.of(now), "");
    }
}
