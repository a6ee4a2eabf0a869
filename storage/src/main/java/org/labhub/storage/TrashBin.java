package org.labhub.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The hub-only trash, {@code <trash>/<owner>/<id>/} holding {@code item} (what was deleted, moved there in one
 * rename) and {@code meta.properties} (where it was, what, how big, when), written atomically before the move.
 * A slot without an item (a crash between the two) is ignored and cleared.
 */
final class TrashBin {
    static final String ITEM = "item";
    private static final String META = "meta.properties";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path root;
    private final Clock clock;

    TrashBin(Path root, Clock clock) {
        this.root = root;
        this.clock = clock;
    }

    /** Makes an empty slot for {@code what} and records its metadata; the caller then moves the item in. */
    TrashItem newSlot(String owner, RelPath originalPath, Entry.Kind kind, long size) throws IOException {
        Instant now = clock.instant();
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        // sortable by time first, unique by the random tail
        String id = String.format("%013x", now.toEpochMilli()) + "-" + HexFormat.of().formatHex(random);
        TrashItem item = new TrashItem(id, originalPath, kind, size, now);
        Path slot = ownerDir(owner).resolve(id);
        Files.createDirectories(slot);
        Properties p = new Properties();
        p.setProperty("originalPath", originalPath.toString());
        p.setProperty("kind", kind.name());
        p.setProperty("size", Long.toString(size));
        p.setProperty("deletedAt", now.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.store(out, null);
        AtomicFiles.write(slot.resolve(META), out.toByteArray());
        return item;
    }

    /** The folder of one slot (hub-owned); {@code NOT_FOUND} if there is no such item. */
    Path slot(String owner, String id) throws IOException {
        find(owner, id);
        return ownerDir(owner).resolve(id);
    }

    TrashItem find(String owner, String id) throws IOException {
        String checked;
        try {
            checked = RelPath.checkName(id);
        } catch (RelPath.BadPath e) {
            throw new FileError(FileError.Reason.NOT_FOUND, "no such item in the trash");
        }
        return read(ownerDir(owner).resolve(checked))
                .orElseThrow(() -> new FileError(FileError.Reason.NOT_FOUND, "no item " + id + " in the trash"));
    }

    /** The owner's trashed items, newest first. */
    List<TrashItem> list(String owner) throws IOException {
        List<TrashItem> items = new ArrayList<>();
        Path dir = ownerDir(owner);
        if (!Files.isDirectory(dir)) {
            return items;
        }
        try (Stream<Path> slots = Files.list(dir)) {
            for (Path slot : (Iterable<Path>) slots::iterator) {
                read(slot).ifPresent(items::add);
            }
        }
        items.sort(Comparator.comparing(TrashItem::deletedAt).thenComparing(TrashItem::id).reversed());
        return items;
    }

    /** Owners who have a trash folder. */
    List<String> owners() throws IOException {
        List<String> owners = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            dirs.forEach(d -> owners.add(d.getFileName().toString()));
        }
        return owners;
    }

    long bytes(String owner) throws IOException {
        return list(owner).stream().mapToLong(TrashItem::sizeBytes).sum();
    }

    /** Deletes a slot and what is in it (links inside removed, never followed). */
    void delete(String owner, String id) throws IOException {
        try (DirHandle dir = DirHandle.open(ownerDir(owner))) {
            Trees.delete(dir, root.getFileSystem().getPath(RelPath.checkName(id)));
        }
    }

    Path ownerDir(String owner) {
        return root.resolve(RelPath.checkName(owner));
    }

    private static Optional<TrashItem> read(Path slot) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(slot.resolve(META))) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (!Files.exists(slot.resolve(ITEM), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(new TrashItem(slot.getFileName().toString(), RelPath.parse(p.getProperty("originalPath")),
                Entry.Kind.valueOf(p.getProperty("kind")), Long.parseLong(p.getProperty("size")),
                Instant.parse(p.getProperty("deletedAt"))));
    }
}
