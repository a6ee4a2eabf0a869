package org.labhub.storage;

/**
 * Told after the hub moved or removed something in a home, so what refers to items by path follows them:
 * shares now, the search index later. Called only after the change succeeded.
 */
public interface FileEvents {
    /** {@code from} (and everything in it) is now at {@code to}; both may be in different homes. */
    void moved(Location from, Location to);

    /** {@code item} (and everything in it) is gone from its home: trashed or deleted. */
    void removed(Location item);
}
