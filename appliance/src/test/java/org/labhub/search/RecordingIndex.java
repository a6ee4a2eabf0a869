package org.labhub.search;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.labhub.storage.Entry;
import org.labhub.storage.Location;
import org.labhub.storage.RelPath;

/**
 * A small real {@link IndexUpdates} for tests of the freshness machinery: an in-memory map of owner, path and
 * fingerprint, counting every call. (Not a mock of a library: our own interface, implemented honestly.)
 */
final class RecordingIndex implements IndexUpdates {
    final Map<String, Map<RelPath, String>> docs = new ConcurrentHashMap<>();
    final Map<Location, AtomicInteger> puts = new ConcurrentHashMap<>();
    final AtomicInteger putCount = new AtomicInteger();
    final AtomicInteger removeCount = new AtomicInteger();
    final AtomicInteger refreshes = new AtomicInteger();
    final AtomicInteger commits = new AtomicInteger();
    /** When set, the first put waits for it (so events pile up behind the watcher). */
    volatile CountDownLatch holdFirstPut;
    final CountDownLatch firstPutEntered = new CountDownLatch(1);

    @Override
    public void put(Location file, Entry entry) throws IOException {
        CountDownLatch hold = holdFirstPut;
        if (hold != null) {
            holdFirstPut = null;
            firstPutEntered.countDown();
            try {
                hold.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
        }
        docs.computeIfAbsent(file.owner(), o -> new ConcurrentHashMap<>()).put(file.path(), entry.etag());
        puts.computeIfAbsent(file, f -> new AtomicInteger()).incrementAndGet();
        putCount.incrementAndGet();
    }

    @Override
    public void removeTree(Location item) {
        Map<RelPath, String> home = docs.get(item.owner());
        if (home != null) {
            home.keySet().removeIf(p -> p.startsWith(item.path()));
        }
        removeCount.incrementAndGet();
    }

    @Override
    public void removeOwner(String owner) {
        docs.remove(owner);
        removeCount.incrementAndGet();
    }

    @Override
    public Map<RelPath, String> fingerprints(String owner) {
        return Map.copyOf(docs.getOrDefault(owner, Map.of()));
    }

    @Override
    public void refresh() {
        refreshes.incrementAndGet();
    }

    @Override
    public void commit() {
        commits.incrementAndGet();
    }

    Set<String> owners() {
        return Set.copyOf(docs.keySet());
    }

    /** The owner's indexed paths, sorted, as strings (for readable assertions). */
    Set<String> paths(String owner) {
        Map<String, String> sorted = new TreeMap<>();
        docs.getOrDefault(owner, Map.of()).forEach((p, f) -> sorted.put(p.toString(), f));
        return sorted.keySet();
    }

    boolean has(String owner, String path) {
        return docs.getOrDefault(owner, Map.of()).containsKey(RelPath.parse(path));
    }

    int putsOf(String owner, String path) {
        AtomicInteger n = puts.get(new Location(owner, RelPath.parse(path)));
        return n == null ? 0 : n.get();
    }
}
