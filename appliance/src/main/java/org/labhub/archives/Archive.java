package org.labhub.archives;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A preserved analysis as the catalog records it; the bag under {@code <data>/archives/<id>/} holds the content.
 *
 * @param imageId Podman's id of the image it ran in (the hash of the image's config: the same after save and load)
 * @param imageDigest the image's manifest digest when Podman knew one
 * @param byReference the bag holds only the digest; the image must stay on this host
 * @param doesNotRun preserved although a cell failed
 * @param state "ok" or "damaged" (the last check found a file that does not match its checksum)
 */
public record Archive(String id, String owner, String title, String description, List<String> authors, String license,
                      List<String> keywords, String environment, String imageId, String imageDigest, boolean byReference,
                      boolean doesNotRun, boolean publicAccess, Instant createdAt, long sizeBytes, String state,
                      Optional<Instant> checkedAt, String problem) {
    public Archive {
        authors = List.copyOf(authors);
        keywords = List.copyOf(keywords);
    }

    public boolean damaged() {
        return state.equals("damaged");
    }
}
