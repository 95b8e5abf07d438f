package dev.lethe.cuda;

/**
 * A snapshot of the {@link CachingAllocator}'s bookkeeping.
 *
 * @param inUseBytes        bytes of size-class blocks handed out and not yet freed
 * @param cachedBytes       bytes of freed blocks kept for reuse
 * @param peakInUseBytes    the largest {@code inUseBytes} seen since creation
 * @param deviceAllocations blocks obtained from the device (cache misses)
 * @param cacheHits         requests served from the cache
 */
public record AllocatorStats(long inUseBytes, long cachedBytes, long peakInUseBytes, long deviceAllocations,
                             long cacheHits) {
    /** {@code "1048576 bytes in use, 0 cached, peak 2097152; 3 device allocations, 5 cache hits"}. */
    @Override
    public String toString() {
        return inUseBytes + " bytes in use, " + cachedBytes + " cached, peak " + peakInUseBytes + "; " + deviceAllocations
                + " device allocations, " + cacheHits + " cache hits";
    }
}
