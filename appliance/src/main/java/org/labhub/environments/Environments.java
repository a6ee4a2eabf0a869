package org.labhub.environments;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.labhub.audit.AuditLog;
import org.labhub.podman.ImageInfo;
import org.labhub.podman.PodmanClient;
import org.labhub.podman.PodmanException;
import org.labhub.users.Accounts;
import org.labhub.web.HttpError;

/**
 * The environments users may start, the rules for choosing one, and what admins may change: registering any image
 * in Podman, enabling, the network mode, the name shown, deleting. Every change is audited.
 */
public final class Environments {
    public static final int MAX_DISPLAY_NAME = 200;
    public static final int MAX_DESCRIPTION = 2000;
    /** Names that would clash with the admin pages' own paths ({@code /admin/environments/scan}). */
    static final Set<String> RESERVED_NAMES = Set.of("scan");

    private final EnvironmentStore store;
    private final PodmanClient podman;
    private final ImagePackages packages;
    private final AuditLog audit;
    private final Clock clock;
    /** Image ids and digests that preserved archives reference: their environments are never deleted. */
    private final java.util.function.Supplier<Set<String>> pinnedImages;

    public Environments(EnvironmentStore store, PodmanClient podman, ImagePackages packages, AuditLog audit, Clock clock) {
        this(store, podman, packages, audit, clock, Set::of);
    }

    public Environments(EnvironmentStore store, PodmanClient podman, ImagePackages packages, AuditLog audit, Clock clock,
                        java.util.function.Supplier<Set<String>> pinnedImages) {
        this.store = store;
        this.podman = podman;
        this.packages = packages;
        this.audit = audit;
        this.clock = clock;
        this.pinnedImages = pinnedImages;
    }

    /** Every environment, enabled or not (for admins). */
    public List<Environment> list() {
        return store.list();
    }

    /** Every environment, disabled ones too (servers started from one keep showing its name). */
    public List<Environment> all() {
        return store.list();
    }

    public List<Environment> enabled() {
        return store.list().stream().filter(Environment::enabled).toList();
    }

    /** The environment called {@code name}, or a 404. */
    public Environment require(String name) {
        return store.byName(name).orElseThrow(() -> HttpError.notFound("there is no environment called \"" + name + "\""));
    }

    /** The environment to start, or a 400 that says which ones there are. */
    public Environment requireStartable(String name) {
        if (name == null || name.isBlank()) {
            throw HttpError.badRequest("choose an environment: " + names());
        }
        Environment e = store.byName(name).orElseThrow(() ->
                HttpError.badRequest("there is no environment called \"" + name + "\"; choose one of: " + names()));
        if (!e.enabled()) {
            throw HttpError.badRequest("the environment \"" + name + "\" is disabled by an administrator; choose one of: " + names());
        }
        return e;
    }

    private String names() {
        List<String> names = enabled().stream().map(Environment::name).toList();
        return names.isEmpty() ? "(none yet: an administrator must build or register one)" : String.join(", ", names);
    }

    /**
     * Registers any image in Podman (pulled, loaded or built by hand) as an enabled environment without network.
     * Blank display name and description come from the image's labels, else the name; packages from the list the
     * image records, if it records one.
     */
    public Environment register(Accounts.Actor actor, String name, String imageRef, String displayName, String description) {
        try {
            Environment.checkName(name);
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest(e.getMessage());
        }
        if (RESERVED_NAMES.contains(name)) {
            throw HttpError.badRequest("\"" + name + "\" is reserved; choose another name");
        }
        if (store.byName(name).isPresent()) {
            throw HttpError.conflict("an environment called \"" + name + "\" already exists");
        }
        String ref = imageRef == null ? "" : imageRef.strip();
        if (ref.isEmpty()) {
            throw HttpError.badRequest("name the image to register, e.g. docker.io/jupyter/base-notebook:2023-10-20 (see podman images)");
        }
        ImageInfo image;
        List<String> recorded;
        try {
            image = podman.images().inspect(ref);
            recorded = packages.read(image.id());
        } catch (PodmanException.NotFound e) {
            throw HttpError.badRequest("there is no image \"" + ref + "\" in Podman; pull, load or build it first (podman images lists them)");
        } catch (PodmanException e) {
            throw podmanError(e);
        }
        Map<String, String> labels = image.labels();
        String display = orDefault(displayName, labels.getOrDefault(EnvironmentScanner.DISPLAY_NAME_LABEL, name));
        String text = orDefault(description, labels.getOrDefault(EnvironmentScanner.DESCRIPTION_LABEL, ""));
        checkDisplay(display, text);
        String language = labels.getOrDefault(EnvironmentScanner.LANGUAGE_LABEL, "").strip();
        EnvironmentStore.Image made = new EnvironmentStore.Image(name, display, text, ref, image.id(),
                digest(image), Environment.Source.IMAGE,
                language.length() > 64 ? language.substring(0, 64) : language, recorded);
        Environment e;
        try {
            e = store.insert(made, clock.instant());
        } catch (RuntimeException failed) {
            if (store.byName(name).isPresent()) {
                throw HttpError.conflict("an environment called \"" + name + "\" already exists");
            }
            throw failed;
        }
        audit.record(actor.name(), "environment.register", name, AuditLog.Outcome.OK, actor.address(),
                ref + " (" + shortId(image.id()) + "), " + recorded.size() + " packages");
        return e;
    }

    public Environment setEnabled(Accounts.Actor actor, String name, boolean enabled) {
        Environment e = require(name);
        if (e.enabled() != enabled) {
            store.setEnabled(name, enabled, clock.instant());
            audit.record(actor.name(), enabled ? "environment.enable" : "environment.disable", name, AuditLog.Outcome.OK,
                    actor.address(), "");
        }
        return require(name);
    }

    /** Sets the Podman network mode servers of this environment get; one of {@link Environment#NETWORK_MODES}. */
    public Environment setNetwork(Accounts.Actor actor, String name, String network) {
        Environment e = require(name);
        checkNetwork(network);
        if (!e.network().equals(network)) {
            store.setNetwork(name, network, clock.instant());
            audit.record(actor.name(), "environment.network", name, AuditLog.Outcome.OK, actor.address(),
                    e.network() + " -> " + network);
        }
        return require(name);
    }

    /** Changes what users read; a null keeps the current value. */
    public Environment setDisplay(Accounts.Actor actor, String name, String displayName, String description) {
        Environment e = require(name);
        String display = displayName == null ? e.displayName() : displayName.strip();
        String text = description == null ? e.description() : description.strip();
        checkDisplay(display, text);
        if (!display.equals(e.displayName()) || !text.equals(e.description())) {
            store.setDisplay(name, display, text, clock.instant());
            audit.record(actor.name(), "environment.display", name, AuditLog.Outcome.OK, actor.address(), display);
        }
        return require(name);
    }

    /** Forgets an environment (the image stays in Podman); refused while a server made from it is not stopped. */
    public void delete(Accounts.Actor actor, String name) {
        Environment e = require(name);
        Set<String> pinned = pinnedImages.get();
        if (pinned.contains(e.imageId()) || (e.imageDigest() != null && !e.imageDigest().isBlank() && pinned.contains(e.imageDigest()))) {
            throw HttpError.conflict("the environment \"" + name + "\" runs in an image that preserved archives reference; "
                    + "archives must re-run in it, so it is kept (disable it instead to hide it from users)");
        }
        int active = store.activeServers(name);
        if (active > 0) {
            throw HttpError.conflict("the environment \"" + name + "\" is in use by " + active + " server"
                    + (active == 1 ? "" : "s") + " that " + (active == 1 ? "is" : "are") + " not stopped; stop "
                    + (active == 1 ? "it" : "them") + " first");
        }
        store.delete(name);
        audit.record(actor.name(), "environment.delete", name, AuditLog.Outcome.OK, actor.address(),
                e.source().name().toLowerCase() + " " + e.image());
    }

    /** A 400 unless {@code network} is one of {@link Environment#NETWORK_MODES}. */
    public static void checkNetwork(String network) {
        if (network == null || !Environment.NETWORK_MODES.contains(network)) {
            throw HttpError.badRequest("network must be one of " + String.join(", ", Environment.NETWORK_MODES)
                    + " (got \"" + network + "\")");
        }
    }

    private static void checkDisplay(String display, String description) {
        if (display.isEmpty()) {
            throw HttpError.badRequest("display_name must not be empty");
        }
        if (display.length() > MAX_DISPLAY_NAME) {
            throw HttpError.badRequest("display_name is limited to " + MAX_DISPLAY_NAME + " characters");
        }
        if (description.length() > MAX_DESCRIPTION) {
            throw HttpError.badRequest("description is limited to " + MAX_DESCRIPTION + " characters");
        }
    }

    private static String orDefault(String given, String fallback) {
        return given == null || given.isBlank() ? fallback.strip() : given.strip();
    }

    /** Podman's own words for the admin, with a status that says whose fault it is. */
    static HttpError podmanError(PodmanException e) {
        if (e instanceof PodmanException.Unavailable) {
            return HttpError.unavailable(e.getMessage());
        }
        return new HttpError(502, "podman_error", "Podman refused: " + e.getMessage());
    }

    /**
     * The digest of the image's first repo digest ({@code sha256:…} of {@code repo@sha256:…}): what a registry names
     * the image by. Empty for an image that has none.
     */
    static String digest(ImageInfo image) {
        String first = image.repoDigests().stream().findFirst().orElse("");
        return first.substring(first.indexOf('@') + 1);
    }

    static String shortId(String imageId) {
        String id = imageId.startsWith("sha256:") ? imageId.substring(7) : imageId;
        return id.length() > 12 ? id.substring(0, 12) : id;
    }
}
