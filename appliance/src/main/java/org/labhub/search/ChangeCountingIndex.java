package org.labhub.search;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.labhub.storage.Entry;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;

/** Counts the changes made through it, so refresh and commit run only when there is something to show or save. */
final class ChangeCountingIndex implements IndexUpdates {
    private final IndexUpdates index;
    private final AtomicLong changes = new AtomicLong();

    ChangeCountingIndex(IndexUpdates index) {
        this.index = index;
    }

    /** Changes so far; compare two readings to know whether anything changed in between. */
    long changes() {
        return changes.get();
    }

    @Override
    public void put(Location file, Entry entry) throws IOException {
        index.put(file, entry);
        changes.incrementAndGet();
    }

    @Override
    public void removeTree(Location item) throws IOException {
        index.removeTree(item);
        changes.incrementAndGet();
    }

    @Override
    public void removeOwner(String owner) throws IOException {
        index.removeOwner(owner);
        changes.incrementAndGet();
    }

    @Override
    public Map<RelPath, String> fingerprints(String owner) throws IOException {
        return index.fingerprints(owner);
    }

    @Override
    public void refresh() throws IOException {
        index.refresh();
    }

    @Override
    public void commit() throws IOException {
        index.commit();
    }
}
