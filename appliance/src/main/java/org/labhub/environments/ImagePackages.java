package org.labhub.environments;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.labhub.podman.ContainerSpec;
import org.labhub.podman.ContainerSummary;
import org.labhub.podman.PodmanClient;
import org.labhub.podman.PodmanException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the package list an image records ({@value #FILE}, {@code package<TAB>version} lines written by
 * {@code kernels/build.sh}) without running anything: a container is created from the image, never started,
 * the file is copied out, and the container removed.
 */
public final class ImagePackages {
    private static final Logger log = LoggerFactory.getLogger(ImagePackages.class);
    public static final String FILE = "/usr/share/labhub/packages.txt";
    /** Every container made to read a package list carries this label, so a leftover one is recognisable. */
    public static final String SCAN_LABEL = "org.labhub.scan";
    private static final int MAX_BYTES = 4 * 1024 * 1024;
    /** A read takes well under a second; a scan container older than this was left by a hub that died meanwhile. */
    private static final Duration LEFTOVER_AGE = Duration.ofMinutes(5);
    /**
     * An image id is the hash of the image's content, so its package list never changes: read once per JVM. Hubs
     * restarted in one JVM (the tests) then skip the containers; a rebuilt image has a new id and is read afresh.
     */
    private static final Map<String, List<String>> BY_IMAGE_ID = new ConcurrentHashMap<>();
    private static final int CACHED_IMAGES = 256;

    private final PodmanClient podman;

    public ImagePackages(PodmanClient podman) {
        this.podman = podman;
    }

    /**
     * The recorded {@code package<TAB>version} lines of the image with this id, in the recorded order; empty when the
     * image records none (any image an admin registers). Podman's failures come through as {@link PodmanException}.
     */
    public List<String> read(String imageId) {
        List<String> cached = BY_IMAGE_ID.get(imageId);
        if (cached != null) {
            return cached;
        }
        List<String> lines = parse(copyOut(imageId));
        if (BY_IMAGE_ID.size() >= CACHED_IMAGES) {
            BY_IMAGE_ID.clear();
        }
        BY_IMAGE_ID.put(imageId, lines);
        return lines;
    }

    private String copyOut(String imageId) {
        ContainerSpec spec = ContainerSpec.builder(imageId)
                .name("labhub-scan-" + UUID.randomUUID().toString().substring(0, 12))
                .label(SCAN_LABEL, "1")
                .command("true")
                .build();
        String id = podman.containers().create(spec);
        try {
            return new String(podman.containers().readFile(id, FILE, MAX_BYTES), StandardCharsets.UTF_8);
        } catch (PodmanException.NotFound none) {
            return "";
        } finally {
            remove(id);
        }
    }

    private void remove(String id) {
        // A read interrupted by shutdown must still try to clean up; the flag is restored afterwards.
        boolean interrupted = Thread.interrupted();
        try {
            podman.containers().remove(id, true);
        } catch (PodmanException.NotFound gone) {
            // already removed: the goal is reached
        } catch (PodmanException e) {
            log.warn("could not remove the package-reading container {} (a later scan removes it): {}", id, e.getMessage());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Removes package-reading containers that a hub killed mid-read left behind. */
    public void removeLeftovers() {
        Instant before = Instant.now().minus(LEFTOVER_AGE);
        for (ContainerSummary c : podman.containers().listByLabel(SCAN_LABEL)) {
            if (c.created().map(t -> t.isBefore(before)).orElse(true)) {
                try {
                    podman.containers().remove(c.id(), true);
                    log.info("removed a package-reading container left behind: {}", c.names());
                } catch (PodmanException.NotFound gone) {
                    // removed meanwhile
                }
            }
        }
    }

    /** Non-empty lines, without comments; each {@code package<TAB>version} as written. */
    static List<String> parse(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                out.add(l.replaceFirst("\\s+", "\t"));
            }
        }
        return List.copyOf(out);
    }
}
