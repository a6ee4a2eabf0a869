package org.labhub.search;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.labhub.storage.Entry;
import org.labhub.storage.FileStore;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;

/**
 * Walks a folder of a home through the {@link FileStore}, which lists through directory handles and never follows
 * a link: a link a container planted is reported as a link and skipped, so nothing outside the homes is walked.
 * Hidden names ({@link IndexedPaths}) are skipped with what is under them.
 */
final class HomeWalk {
    /** What the walk reports. */
    interface Visitor {
        /** A folder, before its entries are listed (so a watch registered here misses nothing created later). */
        default void folder(Location folder) throws IOException {}

        void file(Location file, Entry entry) throws IOException;
    }

    private HomeWalk() {}

    /** The homes: real folders under the homes root (a link there is no home), without hidden names, sorted. */
    static List<String> homes(Path homesRoot) throws IOException {
        List<String> owners = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(homesRoot)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (IndexedPaths.hidden(name)) {
                    continue;
                }
                try {
                    if (Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory()) {
                        owners.add(name);
                    }
                } catch (NoSuchFileException e) {
                    // removed while listing
                }
            }
        }
        owners.sort(null);
        return owners;
    }

    /** Walks {@code folder} depth-first; a folder that vanished or turned into a link midway is skipped quietly. */
    static void walk(FileStore store, Location folder, Visitor visitor) throws IOException {
        if (folder.path().depth() > RelPath.MAX_DEPTH) {
            return;
        }
        visitor.folder(folder);
        List<Location> subfolders = new ArrayList<>();
        List<Entry> files = new ArrayList<>();
        try {
            store.list(folder, e -> {
                if (IndexedPaths.hidden(e.name())) {
                    return;
                }
                if (e.isDirectory()) {
                    subfolders.add(folder.child(e.name()));
                } else if (e.isFile()) {
                    files.add(e);
                }
            });
        } catch (IOException e) {
            if (store.stat(folder).map(Entry::isDirectory).orElse(false)) {
                throw e;
            }
            return; // gone (or replaced by a link) since its parent was listed: the change's own event handles it
        }
        for (Entry f : files) {
            visitor.file(folder.child(f.name()), f);
        }
        for (Location sub : subfolders) {
            walk(store, sub, visitor);
        }
    }
}
