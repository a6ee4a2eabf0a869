package org.labhub.search;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.attribute.FileTime;
import org.labhub.config.LabhubConfig;
import org.labhub.storage.Entry;
import org.labhub.storage.FileStore;
import org.labhub.storage.HomeFileStore;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;

/** Homes in a temporary data root, the real file store over them, and a real Lucene index that files are put into. */
final class Corpus implements AutoCloseable {
    static final LabhubConfig.Search CONFIG = new LabhubConfig.Search(1024 * 1024, 50L * 1024 * 1024, Duration.ofSeconds(30), Duration.ofMinutes(5), 0);

    final Path root;
    final FileStore files;
    LuceneIndex index;

    Corpus() throws IOException {
        this(CONFIG);
    }

    Corpus(LabhubConfig.Search cfg) throws IOException {
        root = Files.createTempDirectory("labhub-search");
        for (String d : new String[] {"homes", "staging", "trash"}) {
            Files.createDirectories(root.resolve(d));
        }
        files = new HomeFileStore(root.resolve("homes"), root.resolve("staging"), root.resolve("trash"), o -> 0L, Clock.systemUTC());
        index = LuceneIndex.open(indexDir(), files, cfg);
    }

    Path indexDir() {
        return root.resolve("index");
    }

    /** Writes a file into a home (folders made as needed) and puts it into the index, searchable at once. */
    Location write(String owner, String path, String content) throws IOException {
        return write(owner, path, content.getBytes(StandardCharsets.UTF_8), null);
    }

    Location write(String owner, String path, byte[] content, Instant modified) throws IOException {
        Path p = root.resolve("homes").resolve(owner).resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        if (modified != null) {
            Files.setLastModifiedTime(p, FileTime.from(modified));
        }
        Location at = new Location(owner, RelPath.parse(path));
        put(at);
        return at;
    }

    void put(Location at) throws IOException {
        Entry e = files.stat(at).orElseThrow();
        index.put(at, e);
        index.refresh();
    }

    static Location at(String owner, String path) {
        return new Location(owner, RelPath.parse(path));
    }

    @Override
    public void close() throws IOException {
        if (index != null) {
            index.close();
        }
    }
}
