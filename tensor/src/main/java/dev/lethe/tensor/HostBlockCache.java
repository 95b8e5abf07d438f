package dev.lethe.tensor;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;

/**
 * Keeps released large host blocks for reuse by the next allocation of the same size. A
 * training step allocates the same activation sizes every step; handing a block back to the C
 * allocator unmaps it (glibc serves blocks of tens of MB with mmap), and the next allocation
 * pays a page fault for every 4 KB again — for a 64 MB output, more than the op itself costs.
 *
 * <p>Only blocks of at least {@link #MIN_BYTES} are cached, matched by exact size, up to
 * {@code -Dlethe.hostCacheBytes} in total (default 1 GiB); beyond that a released block is
 * freed at once. {@link #clear()} frees everything cached.
 */
final class HostBlockCache {
    /** Smaller blocks come from malloc's own free lists cheaply. */
    static final long MIN_BYTES = 1 << 20;

    private static final long LIMIT = Long.getLong("lethe.hostCacheBytes", 1L << 30);
    private static final Map<Long, ArrayDeque<BytePointer>> FREE = new HashMap<>();
    private static long cachedBytes;

    private HostBlockCache() {
    }

    /** A cached block of exactly {@code bytes} bytes, or a new one. */
    static BytePointer take(long bytes) {
        if (bytes >= MIN_BYTES) {
            synchronized (FREE) {
                ArrayDeque<BytePointer> list = FREE.get(bytes);
                BytePointer p = list == null ? null : list.pollLast();
                if (p != null) {
                    cachedBytes -= bytes;
                    return p;
                }
            }
        }
        return new BytePointer(bytes);
    }

    /** Takes back a block of {@code bytes} bytes that no tensor uses any more. */
    static void give(BytePointer p, long bytes) {
        if (bytes >= MIN_BYTES) {
            synchronized (FREE) {
                if (cachedBytes + bytes <= LIMIT) {
                    FREE.computeIfAbsent(bytes, k -> new ArrayDeque<>()).addLast(p);
                    cachedBytes += bytes;
                    return;
                }
            }
        }
        p.deallocate();
    }

    /** Bytes currently cached. */
    static long cachedBytes() {
        synchronized (FREE) {
            return cachedBytes;
        }
    }

    /** Frees every cached block. */
    static void clear() {
        synchronized (FREE) {
            for (ArrayDeque<BytePointer> list : FREE.values()) {
                for (BytePointer p : list) {
                    p.deallocate();
                }
            }
            FREE.clear();
            cachedBytes = 0;
        }
    }
}
