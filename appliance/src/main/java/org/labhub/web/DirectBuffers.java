package org.labhub.web;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The 1 MiB direct buffers that file bodies are moved through (WebDAV GET and PUT). A few are kept for reuse:
 * a direct buffer is freed only when the GC collects it, so allocating one per request would let native memory
 * pile up between collections. More than {@link #KEPT} at once are allocated and dropped.
 */
public final class DirectBuffers {
    public static final int SIZE = 1024 * 1024;
    static final int KEPT = 16;

    private static final ConcurrentLinkedQueue<ByteBuffer> FREE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger FREE_COUNT = new AtomicInteger();

    private DirectBuffers() {}

    /** A cleared buffer of {@link #SIZE} bytes; give it back with {@link #release} once nothing refers to it. */
    public static ByteBuffer acquire() {
        ByteBuffer b = FREE.poll();
        if (b == null) {
            return ByteBuffer.allocateDirect(SIZE);
        }
        FREE_COUNT.decrementAndGet();
        return b.clear();
    }

    public static void release(ByteBuffer b) {
        if (b == null || !b.isDirect() || b.capacity() != SIZE) {
            return;
        }
        if (FREE_COUNT.incrementAndGet() <= KEPT) {
            FREE.offer(b);
        } else {
            FREE_COUNT.decrementAndGet();
        }
    }
}
