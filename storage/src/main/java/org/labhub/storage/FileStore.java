package org.labhub.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every read and write of users' files, by owner and path. Whether the caller may do it is decided before
 * (by shares and routes); this layer guarantees the rest: it never follows a symbolic link (a container can
 * plant one at any moment), writes are atomic, the owner's quota holds, and deletions go to the trash.
 * Every method throws {@link FileError} for refusals a client should hear about, {@link IOException} otherwise.
 */
public interface FileStore {

    /** What is at {@code at}, without following a link there; empty if nothing (or a parent is missing or a link). */
    Optional<Entry> stat(Location at) throws IOException;

    /** Streams the folder's entries (links reported as links), in no particular order; 10,000 entries need no list in memory. */
    void list(Location folder, Consumer<Entry> each) throws IOException;

    /** Opens a file for reading (positioned reads: ranges, zero-copy). The caller closes it. */
    FileChannel openRead(Location file) throws IOException;

    /**
     * Starts writing {@code file}. {@code expectedBytes} (or -1 when unknown) lets an upload that cannot fit be
     * refused before a byte is sent. The parent folder must exist.
     */
    Upload upload(Location file, long expectedBytes) throws IOException;

    /** Creates one folder; {@code EXISTS} if anything is there, {@code PARENT_MISSING} without a parent. */
    Entry mkdir(Location folder) throws IOException;

    /** Moves a file or folder (with what is inside) into the owner's trash and returns its trash entry. */
    TrashItem trash(Location item) throws IOException;

    /** Deletes at once, without the trash (what WebDAV's overwrite replaces). Links inside are removed, never followed. */
    void deletePermanently(Location item) throws IOException;

    /**
     * Moves or renames within one home or across homes (one rename; quota of the target owner checked when owners
     * differ). With {@code overwrite}, what is at {@code to} is deleted first; without it, {@code EXISTS}.
     */
    void move(Location from, Location to, boolean overwrite) throws IOException;

    /**
     * Copies a file, or a folder with everything in it when {@code recursive} (links skipped), counting the copy
     * against the target owner's quota before anything is written. Atomic for a file; for a folder the copy is
     * built in staging and renamed into place once complete.
     */
    void copy(Location from, Location to, boolean overwrite, boolean recursive) throws IOException;

    /**
     * Starts building a new folder at {@code folder} in staging (an unpacked archive): it appears only on
     * {@link FolderBuild#commit}, whole. {@code EXISTS} if something is there now, {@code PARENT_MISSING} without a parent.
     */
    FolderBuild buildFolder(Location folder) throws IOException;

    /** The owner's usage (home and trash) and limit. */
    Usage usage(String owner) throws IOException;

    /** What is in the owner's trash, newest first. */
    List<TrashItem> trashed(String owner) throws IOException;

    /** Puts a trashed item back at its original path, or at {@code to} when given; {@code EXISTS} if taken. */
    Location restore(String owner, String trashId, Optional<RelPath> to) throws IOException;

    /** Deletes trashed items for good: all of the owner's, or one. */
    void emptyTrash(String owner, Optional<String> trashId) throws IOException;

    /** Deletes trashed items older than {@code age}, for every owner (run by the maintenance thread). */
    int purgeTrash(Duration age) throws IOException;
}
