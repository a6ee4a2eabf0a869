package org.labhub.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.labhub.catalog.Catalog;
import org.labhub.config.SitePaths;
import org.labhub.storage.AtomicFiles;
import org.labhub.storage.FileTrees;
import org.labhub.web.Json;

/**
 * A backup of a data root into a new folder: the catalog through Derby's online backup (a consistent image while
 * the hub keeps serving), the secrets and the config file, and for a full backup also homes, kept homes and
 * archives. The backup is assembled in a hidden sibling folder and renamed into place at the end, so a folder with
 * the target's name is always a complete backup.
 */
public final class Backup {
    public static final String MANIFEST = "labhub-backup.json";
    static final int FORMAT = 1;

    /**
     * What a backup holds. {@code CATALOG} is what an upgrade can change (the installer takes one before each and
     * restores it when the new release fails), without copying every user's files again.
     */
    public enum Contents {
        FULL(List.of("homes", "retained-homes", "archives", "secrets")),
        CATALOG(List.of("secrets"));

        final List<String> folders;

        Contents(List<String> folders) {
            this.folders = folders;
        }

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** As a manifest names it; manifests older than this field are full backups. */
        public static Contents of(String id) {
            for (Contents c : values()) {
                if (c.id().equals(id)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("a backup of \"" + id + "\" is not supported (full or catalog)");
        }
    }

    private final Catalog catalog;
    private final SitePaths paths;

    public Backup(Catalog catalog, SitePaths paths) {
        this.catalog = catalog;
        this.paths = paths;
    }

    public record Result(Path target, long bytes, long millis) {}

    public Result to(Path target) throws IOException {
        return to(target, Contents.FULL);
    }

    public synchronized Result to(Path target, Contents contents) throws IOException {
        long start = System.currentTimeMillis();
        Path dest = target.toAbsolutePath().normalize();
        if (dest.startsWith(paths.root())) {
            throw new IllegalArgumentException("the backup folder must be outside the data root " + paths.root());
        }
        if (Files.exists(dest)) {
            try (var entries = Files.list(dest)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(dest + " exists and is not empty; choose a new folder");
                }
            }
            Files.delete(dest);
        }
        Files.createDirectories(dest.getParent());
        Path staging = dest.resolveSibling("." + dest.getFileName() + ".partial-" + System.nanoTime());
        Files.createDirectory(staging);
        try {
            catalog.backupTo(staging.resolve("catalog"));
            for (String folder : contents.folders) {
                FileTrees.copy(paths.root().resolve(folder), staging.resolve(folder));
            }
            if (Files.exists(paths.defaultConfigFile())) {
                Files.copy(paths.defaultConfigFile(), staging.resolve("labhub.conf"), StandardCopyOption.COPY_ATTRIBUTES);
            }
            Map<String, Object> manifest = new LinkedHashMap<>();
            manifest.put("format", FORMAT);
            manifest.put("created", Instant.now().toString());
            manifest.put("contents", contents.id());
            manifest.put("source", paths.root().toString());
            manifest.put("catalog", "catalog/" + catalog.directory().getFileName());
            AtomicFiles.write(staging.resolve(MANIFEST),
                    Json.MAPPER.writeValueAsString(manifest).getBytes(StandardCharsets.UTF_8));
            Files.move(staging, dest, StandardCopyOption.ATOMIC_MOVE);
            AtomicFiles.syncDirectory(dest.getParent());
        } catch (IOException | RuntimeException e) {
            FileTrees.delete(staging);
            throw e;
        }
        return new Result(dest, size(dest), System.currentTimeMillis() - start);
    }

    static long size(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
