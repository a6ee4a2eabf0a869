package org.labhub.backup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.labhub.config.SitePaths;
import org.labhub.storage.AtomicFiles;
import org.labhub.storage.FileTrees;
import tools.jackson.databind.JsonNode;
import org.labhub.web.Json;

/**
 * Restores a backup into a data root that has no catalog yet (a fresh root, or one whose {@code db/} was
 * moved aside). The catalog is copied last and renamed into place, so its presence marks a finished restore;
 * a restore cut short can simply be run again. A catalog backup puts back the catalog, secrets and config and
 * leaves the files (homes, archives) as they are. The caller holds the data-root lock (no hub is running there).
 */
public final class Restore {
    private final SitePaths paths;

    public Restore(SitePaths paths) {
        this.paths = paths;
    }

    /** @return what the backup held, and so what was put back */
    public Backup.Contents from(Path source) throws IOException {
        Path src = source.toAbsolutePath().normalize();
        Path manifestFile = src.resolve(Backup.MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new IllegalArgumentException(src + " is not a labhub backup (no " + Backup.MANIFEST + ")");
        }
        JsonNode manifest = Json.MAPPER.readTree(Files.readString(manifestFile));
        if (manifest.path("format").asInt() != Backup.FORMAT) {
            throw new IllegalArgumentException("backup format " + manifest.path("format") + " is not supported (expected " + Backup.FORMAT + ")");
        }
        Backup.Contents contents = Backup.Contents.of(manifest.path("contents").asString("full"));
        Path catalog = src.resolve(manifest.path("catalog").asString());
        if (!catalog.normalize().startsWith(src) || !Files.isDirectory(catalog)) {
            throw new IllegalArgumentException("the backup's catalog folder is missing: " + catalog);
        }
        if (Files.exists(paths.db())) {
            throw new IllegalArgumentException("the data root " + paths.root() + " already has a catalog; restore into a fresh data root "
                    + "(or move " + paths.db() + " aside first)");
        }
        Files.createDirectories(paths.root());
        for (String folder : contents.folders) {
            Path target = paths.root().resolve(folder);
            FileTrees.delete(target);
            FileTrees.copy(src.resolve(folder), target);
        }
        if (Files.exists(src.resolve("labhub.conf"))) {
            Files.copy(src.resolve("labhub.conf"), paths.defaultConfigFile(), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
        }
        Path partial = paths.root().resolve(".db-restoring");
        FileTrees.delete(partial);
        FileTrees.copy(catalog, partial);
        Files.move(partial, paths.db(), StandardCopyOption.ATOMIC_MOVE);
        AtomicFiles.syncDirectory(paths.root());
        return contents;
    }
}
