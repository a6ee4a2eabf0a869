package org.labhub.environments;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.labhub.audit.AuditLog;
import org.labhub.podman.ImageInfo;
import org.labhub.podman.PodmanClient;
import org.labhub.podman.PodmanException;
import org.labhub.users.Accounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the kernel images {@code ./labhub kernels build} made (every image labelled {@value #KERNEL_LABEL})
 * as environments, from their labels and recorded packages. A new kernel becomes an enabled environment; a
 * rebuilt one moves its environment to the new image and keeps what the admin set (enabled, network). Images an
 * admin registered are never touched. Cheap when nothing changed: one image list and one catalog read per kernel.
 */
public final class EnvironmentScanner {
    private static final Logger log = LoggerFactory.getLogger(EnvironmentScanner.class);
    public static final String KERNEL_LABEL = "org.labhub.kernel";
    public static final String DISPLAY_NAME_LABEL = "org.labhub.display-name";
    public static final String DESCRIPTION_LABEL = "org.labhub.description";
    public static final String LANGUAGE_LABEL = "org.labhub.language";
    private static final String RECIPE_HASH_LABEL = "org.labhub.recipe-hash";
    private static final Duration START_PING = Duration.ofSeconds(2);

    private final EnvironmentStore store;
    private final PodmanClient podman;
    private final ImagePackages packages;
    private final AuditLog audit;
    private final Clock clock;

    public EnvironmentScanner(EnvironmentStore store, PodmanClient podman, ImagePackages packages, AuditLog audit, Clock clock) {
        this.store = store;
        this.podman = podman;
        this.packages = packages;
        this.audit = audit;
        this.clock = clock;
    }

    /** A kernel image that was not registered, and why. */
    public record Skipped(String name, String reason) {}

    /** What one scan did, by environment name. */
    public record Summary(List<String> added, List<String> updated, List<String> unchanged, List<Skipped> skipped) {
        public Summary {
            added = List.copyOf(added);
            updated = List.copyOf(updated);
            unchanged = List.copyOf(unchanged);
            skipped = List.copyOf(skipped);
        }

        public boolean changed() {
            return !added.isEmpty() || !updated.isEmpty();
        }

        /** One line for people: {@code added python; 3 unchanged}. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            if (!added.isEmpty()) {
                parts.add("added " + String.join(", ", added));
            }
            if (!updated.isEmpty()) {
                parts.add("updated " + String.join(", ", updated));
            }
            if (!unchanged.isEmpty()) {
                parts.add(unchanged.size() + " unchanged");
            }
            for (Skipped s : skipped) {
                parts.add("skipped " + s.name() + " (" + s.reason() + ")");
            }
            return parts.isEmpty() ? "no kernel images found" : String.join("; ", parts);
        }
    }

    /**
     * Scans once; one scan at a time. Podman being down is a {@link PodmanException.Unavailable}; a single image that
     * cannot be read is skipped with the reason, the others are still registered.
     */
    public synchronized Summary scan(Accounts.Actor actor) {
        packages.removeLeftovers();
        Map<String, List<ImageInfo>> kernels = new TreeMap<>();
        for (ImageInfo i : podman.images().list()) {
            String kernel = i.labels().getOrDefault(KERNEL_LABEL, "").strip();
            if (!kernel.isEmpty()) {
                kernels.computeIfAbsent(kernel, k -> new ArrayList<>()).add(i);
            }
        }
        List<String> added = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        for (var entry : kernels.entrySet()) {
            String name = entry.getKey();
            if (!name.matches(Environment.NAME_PATTERN) || Environments.RESERVED_NAMES.contains(name)) {
                skipped.add(new Skipped(name, "not a valid environment name"));
                continue;
            }
            ImageInfo image = choose(name, entry.getValue());
            Optional<Environment> existing = store.byName(name);
            if (existing.isPresent() && existing.get().source() == Environment.Source.IMAGE) {
                skipped.add(new Skipped(name, "an administrator registered another image under this name"));
                continue;
            }
            if (existing.isPresent() && existing.get().imageId().equals(image.id())) {
                unchanged.add(name);
                continue;
            }
            EnvironmentStore.Image made;
            try {
                made = describe(name, image);
            } catch (PodmanException.Unavailable e) {
                throw e;
            } catch (PodmanException e) {
                log.warn("kernel image {} ({}) was not registered: {}", name, image.id(), e.getMessage());
                skipped.add(new Skipped(name, "its package list could not be read: " + e.getMessage()));
                continue;
            }
            Instant now = clock.instant();
            if (existing.isPresent()) {
                store.replaceImage(name, made, now);
                updated.add(name);
            } else {
                try {
                    store.insert(made, now);
                } catch (RuntimeException e) {
                    if (store.byName(name).isEmpty()) {
                        throw e;
                    }
                    skipped.add(new Skipped(name, "an administrator registered this name meanwhile"));
                    continue;
                }
                added.add(name);
            }
        }
        Summary summary = new Summary(added, updated, unchanged, skipped);
        if (summary.changed()) {
            audit.record(actor.name(), "environment.scan", String.join(",", kernels.keySet()), AuditLog.Outcome.OK,
                    actor.address(), summary.describe());
        }
        return summary;
    }

    /** The scan at start-up: registers what is there, or says why not and lets the hub start anyway. */
    public void scanAtStart() {
        try {
            // A hung Podman would hold start-up for a whole call timeout; a short ping finds out first.
            podman.ping(START_PING);
            Summary s = scan(new Accounts.Actor("labhub", "local"));
            log.atInfo().addKeyValue("added", s.added().size()).addKeyValue("updated", s.updated().size())
                    .addKeyValue("unchanged", s.unchanged().size()).log("kernel images scanned: {}", s.describe());
        } catch (PodmanException e) {
            log.warn("kernel images were not scanned, Podman did not answer; run the scan from /admin/environments later: {}",
                    e.getMessage());
        } catch (RuntimeException e) {
            log.warn("kernel images were not scanned", e);
        }
    }

    /** The image tagged {@code :latest} for this kernel, else the newest image with its label. */
    private static ImageInfo choose(String name, List<ImageInfo> images) {
        String latest = "localhost/labhub/kernel-" + name + ":latest";
        return images.stream().filter(i -> i.names().contains(latest)).findFirst()
                .orElseGet(() -> images.stream().max(Comparator.comparing(i -> i.created().orElse(Instant.EPOCH))).orElseThrow());
    }

    private EnvironmentStore.Image describe(String name, ImageInfo image) {
        Map<String, String> labels = image.labels();
        String display = labels.getOrDefault(DISPLAY_NAME_LABEL, "").strip();
        return new EnvironmentStore.Image(name, display.isEmpty() ? name : clip(display, Environments.MAX_DISPLAY_NAME),
                clip(labels.getOrDefault(DESCRIPTION_LABEL, "").strip(), Environments.MAX_DESCRIPTION), reference(image),
                image.id(), Environments.digest(image), Environment.Source.RECIPE,
                clip(labels.getOrDefault(LANGUAGE_LABEL, "").strip(), 64), packages.read(image.id()));
    }

    /**
     * The tag naming exactly this build: the recipe-hash tag ({@code …:1e9b07f8ee50}), else any tag but
     * {@code :latest}, else {@code :latest}, else the id. Containers made from it never follow a later rebuild.
     */
    static String reference(ImageInfo image) {
        String hash = image.labels().getOrDefault(RECIPE_HASH_LABEL, "");
        if (hash.length() >= 12) {
            String tag = ":" + hash.substring(0, 12);
            Optional<String> exact = image.names().stream().filter(n -> n.endsWith(tag)).findFirst();
            if (exact.isPresent()) {
                return exact.get();
            }
        }
        return image.names().stream().filter(n -> !n.endsWith(":latest")).findFirst()
                .or(() -> image.names().stream().findFirst())
                .orElse(image.id());
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
