package org.labhub.search;

import java.io.IOException;
import java.util.Map;
import org.labhub.storage.Entry;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;

/**
 * The write side of the search index, as the freshness machinery (watcher, reconcile, hub file events, rebuild)
 * sees it. The index is derived: everything here can be replayed from the homes, so a lost update is repaired by
 * the next reconcile, never by the caller retrying.
 */
public interface IndexUpdates {

    /**
     * Indexes one regular file as it is now, replacing what the index held for that path. {@code entry} is its
     * {@code lstat} through the file store; its etag becomes the document's fingerprint. Contents are read through
     * the {@code FileStore} (never following links); a file that vanished meanwhile is simply removed.
     */
    void put(Location file, Entry entry) throws IOException;

    /** Removes the item and everything under it. */
    void removeTree(Location item) throws IOException;

    /** Removes every document of a home (account deleted). */
    void removeOwner(String owner) throws IOException;

    /** What the index holds for a home: path to fingerprint (etag), for the reconcile walk to compare with the disk. */
    Map<RelPath, String> fingerprints(String owner) throws IOException;

    /** Makes updates so far visible to searches (near-real-time reopen; cheap, called about once a second). */
    void refresh() throws IOException;

    /** Makes updates so far durable (a Lucene commit); periodic and at shutdown. */
    void commit() throws IOException;
}
