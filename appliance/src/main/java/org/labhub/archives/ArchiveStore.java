package org.labhub.archives;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/**
 * Archives on disk and in the catalog. A bag is built in {@code <data>/archives/.staging/}, made read-only, and
 * renamed into {@code <data>/archives/<id>/} in one step: a crash leaves either nothing or a whole bag, and an
 * existing archive is never replaced (same content, same id: the second write is refused).
 */
public final class ArchiveStore {
    /** Under the archives' root: bags being deleted (see {@link #delete}). */
    private static final String DELETING = ".deleting";
    private static final String COLUMNS = "id, owner, title, description, authors, license, keywords, environment, image_id, "
            + "image_digest, by_reference, does_not_run, public_access, created_at, size_bytes, state, checked_at, problem";

    private final Jdbi db;
    private final Path root;

    public ArchiveStore(Jdbi db, Path root) {
        this.db = db;
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** The bag's folder; the id must have passed {@link ArchiveId#valid}. */
    public Path bag(String id) {
        if (!ArchiveId.valid(id)) {
            throw new IllegalArgumentException("not an archive id: " + id);
        }
        return root.resolve(id);
    }

    /** A fresh, empty staging folder on the archives' file system (so the final rename is atomic). */
    public Path newStaging() throws IOException {
        Path staging = Files.createDirectories(root.resolve(".staging"));
        return Files.createDirectory(staging.resolve(UUID.randomUUID().toString()));
    }

    /**
     * Deletes an archive for good: its bag is first renamed aside (that rename is the moment of deletion, so a reader
     * never sees half a bag), then its row goes (with its re-runs, grants and links), then the files. A crash in
     * between is finished by {@link #finishDeletions} at the next start.
     */
    public void delete(String id) throws IOException {
        Path bag = bag(id);
        Path parked = Files.createDirectories(root.resolve(DELETING)).resolve(id);
        deleteTree(parked); // an earlier deletion of the same content that a crash interrupted
        if (Files.exists(bag, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            // the bag's folder is read-only; a folder moving to another parent must be writable
            Files.setPosixFilePermissions(bag, PosixFilePermissions.fromString("rwx------"));
            Files.move(bag, parked, StandardCopyOption.ATOMIC_MOVE);
        }
        db.useHandle(h -> h.createUpdate("DELETE FROM archives WHERE id = :id").bind("id", id).execute());
        deleteTree(parked);
    }

    /** At start: deletions a crash interrupted are completed (row and files); answers how many. */
    public int finishDeletions() throws IOException {
        Path deleting = root.resolve(DELETING);
        if (!Files.isDirectory(deleting, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        int n = 0;
        try (var list = Files.list(deleting)) {
            for (Path parked : (Iterable<Path>) list::iterator) {
                String id = parked.getFileName().toString();
                if (ArchiveId.valid(id)) {
                    db.useHandle(h -> h.createUpdate("DELETE FROM archives WHERE id = :id").bind("id", id).execute());
                }
                deleteTree(parked);
                n++;
            }
        }
        return n;
    }

    /** Removes staging left by a crash mid-write: nothing there was ever visible. */
    public void clearStaging() throws IOException {
        deleteTree(root.resolve(".staging"));
    }

    /**
     * Makes the staged bag read-only and renames it into place. Refused with {@link FileAlreadyExistsException}
     * when an archive with this id exists: archives are immutable.
     */
    public Path commit(Path staging, String id) throws IOException {
        Path target = bag(id);
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "an archive with this content exists already");
        }
        readOnly(staging, false);
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("archive staging is not on the archives' file system", e);
        }
        // The top folder last: a folder must be writable to be renamed into another parent.
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r-xr-xr-x"));
        return target;
    }

    /** Files 0444 and folders 0555 inside {@code dir} (and {@code dir} itself when {@code self}). */
    static void readOnly(Path dir, boolean self) throws IOException {
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (self || !d.equals(dir)) {
                    Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("r-xr-xr-x"));
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes a folder tree (staging only), making read-only folders writable first. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    public void insert(Archive a) {
        db.useHandle(h -> h.createUpdate("INSERT INTO archives (" + COLUMNS + ") VALUES (:id, :owner, :title, :description, "
                        + ":authors, :license, :keywords, :environment, :imageId, :imageDigest, :byReference, :doesNotRun, "
                        + ":publicAccess, :createdAt, :size, :state, :checkedAt, :problem)")
                .bind("id", a.id()).bind("owner", a.owner()).bind("title", a.title()).bind("description", a.description())
                .bind("authors", String.join("\n", a.authors())).bind("license", a.license())
                .bind("keywords", String.join("\n", a.keywords())).bind("environment", a.environment())
                .bind("imageId", a.imageId()).bind("imageDigest", a.imageDigest()).bind("byReference", a.byReference())
                .bind("doesNotRun", a.doesNotRun()).bind("publicAccess", a.publicAccess())
                .bind("createdAt", Timestamp.from(a.createdAt())).bind("size", a.sizeBytes()).bind("state", a.state())
                .bind("checkedAt", a.checkedAt().map(Timestamp::from).orElse(null)).bind("problem", a.problem())
                .execute());
    }

    public Optional<Archive> byId(String id) {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM archives WHERE id = :id").bind("id", id)
                .map((rs, ctx) -> read(rs)).findOne());
    }

    public List<Archive> list() {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM archives ORDER BY created_at DESC, id")
                .map((rs, ctx) -> read(rs)).list());
    }

    public List<Archive> ownedBy(String owner) {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM archives WHERE owner = :owner ORDER BY created_at DESC, id")
                .bind("owner", owner).map((rs, ctx) -> read(rs)).list());
    }

    /** The user's own archives and those granted to them or to a group they are in now, newest first. */
    public List<Archive> ownedOrGrantedTo(String owner, long userId) {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM archives WHERE owner = :owner OR id IN "
                        + "(SELECT archive_id FROM archive_grants WHERE user_id = :u OR group_id IN (SELECT group_id FROM memberships WHERE user_id = :u)) "
                        + "ORDER BY created_at DESC, id")
                .bind("owner", owner).bind("u", userId).map((rs, ctx) -> read(rs)).list());
    }

    /** Archives their owners made public, except the caller's own and those granted to them (listed as such), newest first. */
    public List<Archive> publicExceptOwnedOrGrantedTo(String owner, long userId) {
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM archives WHERE public_access = TRUE AND owner <> :owner "
                        + "AND id NOT IN (SELECT archive_id FROM archive_grants WHERE user_id = :u "
                        + "OR group_id IN (SELECT group_id FROM memberships WHERE user_id = :u)) ORDER BY created_at DESC, id")
                .bind("owner", owner).bind("u", userId).map((rs, ctx) -> read(rs)).list());
    }

    /** Bytes of the owner's archives, counted against their quota. */
    public long bytesOf(String owner) {
        return db.withHandle(h -> h.createQuery("SELECT COALESCE(SUM(size_bytes), 0) FROM archives WHERE owner = :owner")
                .bind("owner", owner).mapTo(Long.class).one());
    }

    /** Records the result of a full check: "ok", or "damaged" with what was wrong. */
    public void checked(String id, boolean ok, String problem, Instant at) {
        db.useHandle(h -> h.createUpdate("UPDATE archives SET state = :state, problem = :problem, checked_at = :at WHERE id = :id")
                .bind("id", id).bind("state", ok ? "ok" : "damaged").bind("problem", trim(problem, 4000))
                .bind("at", Timestamp.from(at)).execute());
    }

    public void setPublic(String id, boolean open) {
        db.useHandle(h -> h.createUpdate("UPDATE archives SET public_access = :p WHERE id = :id").bind("id", id).bind("p", open).execute());
    }

    /**
     * Image ids (and digests) that archives name: images that must never be pruned or removed from this host, since
     * an archive kept by reference has no other copy, and any archive re-runs faster with its image present.
     */
    public Set<String> referencedImageDigests() {
        Set<String> out = new TreeSet<>();
        db.useHandle(h -> h.createQuery("SELECT image_id, image_digest FROM archives").map((rs, ctx) -> {
            for (String s : List.of(rs.getString(1), rs.getString(2))) {
                if (!s.isBlank()) {
                    out.add(s);
                }
            }
            return 0;
        }).list());
        return out;
    }

    static String trim(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static List<String> lines(String s) {
        return s == null || s.isBlank() ? List.of() : Arrays.asList(s.split("\n"));
    }

    private static Archive read(ResultSet rs) throws SQLException {
        Timestamp checked = rs.getTimestamp("checked_at");
        return new Archive(rs.getString("id"), rs.getString("owner"), rs.getString("title"), rs.getString("description"),
                lines(rs.getString("authors")), rs.getString("license"), lines(rs.getString("keywords")), rs.getString("environment"),
                rs.getString("image_id"), rs.getString("image_digest"), rs.getBoolean("by_reference"), rs.getBoolean("does_not_run"),
                rs.getBoolean("public_access"), rs.getTimestamp("created_at").toInstant(), rs.getLong("size_bytes"),
                rs.getString("state"), Optional.ofNullable(checked).map(Timestamp::toInstant), rs.getString("problem"));
    }
}
