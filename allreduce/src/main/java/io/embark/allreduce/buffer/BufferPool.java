package io.embark.allreduce.buffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reuses direct byte buffers of the sizes that segmented collectives ask for again and again (one
 * per segment size), so that large all-reduces allocate almost nothing after the first call. Keeps at
 * most {@code maxPooledBytes} idle; beyond that released buffers are left to the garbage collector.
 */
public final class BufferPool {
    private final ConcurrentHashMap<Integer, ConcurrentLinkedQueue<ByteBuffer>> free = new ConcurrentHashMap<>();
    private final AtomicLong pooledBytes = new AtomicLong();
    private final long maxPooledBytes;

    public BufferPool(long maxPooledBytes) {
        this.maxPooledBytes = maxPooledBytes;
    }

    /** A little-endian direct buffer with position 0 and limit {@code size}. */
    public ByteBuffer acquire(int size) {
        ConcurrentLinkedQueue<ByteBuffer> q = free.get(size);
        ByteBuffer b = q == null ? null : q.poll();
        if (b == null) {
            return ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
        }
        pooledBytes.addAndGet(-size);
        b.clear();
        return b;
    }

    /** Gives a buffer obtained from {@link #acquire} back. */
    public void release(ByteBuffer b) {
        int size = b.capacity();
        if (!b.isDirect() || pooledBytes.addAndGet(size) > maxPooledBytes) {
            if (b.isDirect()) {
                pooledBytes.addAndGet(-size);
            }
            return;
        }
        free.computeIfAbsent(size, k -> new ConcurrentLinkedQueue<>()).add(b);
    }
}
