package dev.lethe.cuda;

import dev.lethe.tensor.DeviceOutOfMemoryException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A caching device allocator with free lists by size class, for one stream (so a freed block
 * may be handed out again at once: work on it is ordered after the earlier work on the stream).
 * {@code cuMemAlloc}/{@code cuMemFree} synchronise the device and cost tens of microseconds;
 * a training step allocates hundreds of activations of recurring sizes, so blocks are kept and
 * reused instead.
 *
 * <p>Size classes: requests below 1 MiB round up to a multiple of 512 B, larger ones to a
 * multiple of 2 MiB (PyTorch's small/large split), so recurring sizes land in few classes and
 * the rounding wastes at most 512 B or 2 MiB per block. A block is reused only for its exact
 * class. When the device is out of memory the cache is returned to it and the request retried
 * once. Thread-safe.
 */
final class CachingAllocator {
    /** Requests below this are small blocks. */
    static final long SMALL_LIMIT = 1L << 20;
    /** Rounding of small blocks. */
    static final long SMALL_ROUNDING = 512;
    /** Rounding of large blocks. */
    static final long LARGE_ROUNDING = 2L << 20;

    private final DeviceMemory device;
    private final TreeMap<Long, ArrayDeque<Long>> freeBySize = new TreeMap<>();
    private final Map<Long, Long> liveSizes = new HashMap<>();
    private long inUse;
    private long cached;
    private long peak;
    private long deviceAllocations;
    private long cacheHits;

    /** An allocator over {@code device}. */
    CachingAllocator(DeviceMemory device) {
        this.device = device;
    }

    /** The size class of a request of {@code bytes} bytes (0 bytes still gets a 512 B block, so every address is distinct). */
    static long sizeClass(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("cannot allocate " + bytes + " bytes");
        }
        long rounding = bytes < SMALL_LIMIT ? SMALL_ROUNDING : LARGE_ROUNDING;
        long units = Math.max(1, (bytes + rounding - 1) / rounding);
        if (units > Long.MAX_VALUE / rounding) {
            throw new IllegalArgumentException("cannot allocate " + bytes + " bytes");
        }
        return units * rounding;
    }

    /**
     * A block of at least {@code bytes} bytes: a cached block of the same class, else a new one.
     *
     * @return the block's device address (its usable size is {@link #sizeClass}(bytes))
     * @throws DeviceOutOfMemoryException when the device cannot supply it even after the cache is emptied
     */
    synchronized long allocate(long bytes) {
        long size = sizeClass(bytes);
        ArrayDeque<Long> free = freeBySize.get(size);
        long address;
        if (free != null && !free.isEmpty()) {
            address = free.pop();
            cached -= size;
            cacheHits++;
        } else {
            address = device.allocate(size);
            if (address == 0) {
                emptyCache();
                address = device.allocate(size);
            }
            if (address == 0) {
                throw new DeviceOutOfMemoryException("out of device memory allocating " + bytes + " bytes (" + size
                        + " with rounding); allocator: " + stats());
            }
            deviceAllocations++;
        }
        liveSizes.put(address, size);
        inUse += size;
        peak = Math.max(peak, inUse);
        return address;
    }

    /** Returns a block to the cache; freeing an address not handed out (or twice) fails naming it. */
    synchronized void free(long address) {
        Long size = liveSizes.remove(address);
        if (size == null) {
            throw new IllegalStateException("device address 0x" + Long.toHexString(address)
                    + " is not an allocated block (freed twice, or never allocated here)");
        }
        inUse -= size;
        cached += size;
        freeBySize.computeIfAbsent(size, k -> new ArrayDeque<>()).push(address);
    }

    /** Returns every cached block to the device; blocks in use stay. */
    synchronized void emptyCache() {
        for (ArrayDeque<Long> blocks : freeBySize.values()) {
            for (long address : blocks) {
                device.free(address);
            }
        }
        freeBySize.clear();
        cached = 0;
    }

    /** The bookkeeping now. */
    synchronized AllocatorStats stats() {
        return new AllocatorStats(inUse, cached, peak, deviceAllocations, cacheHits);
    }
}
