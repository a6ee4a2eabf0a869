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

    /** Tells each of {@code listeners}, in order (shares before search, so an index update never waits on a share). */
    static FileEvents all(FileEvents... listeners) {
        java.util.List<FileEvents> each = java.util.List.of(listeners);
        return new FileEvents() {
            @Override
            public void moved(Location from, Location to) {
                each.forEach(l -> l.moved(from, to));
            }

            @Override
            public void removed(Location item) {
                each.forEach(l -> l.removed(item));
            }
        };
    }
}
