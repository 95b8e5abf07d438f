package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.DeviceOutOfMemoryException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The caching allocator's bookkeeping against a fake device with a fixed capacity. */
class CachingAllocatorTest {

    /** Hands out increasing addresses until {@code capacity} bytes are out. */
    private static final class FakeDevice implements DeviceMemory {
        final long capacity;
        final Map<Long, Long> live = new HashMap<>();
        long next = 0x1000;
        long used;
        int mallocs;
        int frees;

        FakeDevice(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public long allocate(long bytes) {
            if (used + bytes > capacity) {
                return 0;
            }
            long a = next;
            next += bytes;
            live.put(a, bytes);
            used += bytes;
            mallocs++;
            return a;
        }

        @Override
        public void free(long address) {
            used -= live.remove(address);
            frees++;
        }
    }

    @Test
    void sizeClassesRoundSmallTo512AndLargeTo2MiB() {
        assertEquals(512, CachingAllocator.sizeClass(0));
        assertEquals(512, CachingAllocator.sizeClass(1));
        assertEquals(512, CachingAllocator.sizeClass(512));
        assertEquals(1024, CachingAllocator.sizeClass(513));
        assertEquals(1L << 20, CachingAllocator.sizeClass((1L << 20) - 1));
        assertEquals(2L << 20, CachingAllocator.sizeClass(1L << 20));
        assertEquals(4L << 20, CachingAllocator.sizeClass((2L << 20) + 1));
        assertThrows(IllegalArgumentException.class, () -> CachingAllocator.sizeClass(-1));
    }

    @Test
    void aFreedBlockIsReusedForTheSameClassOnly() {
        FakeDevice device = new FakeDevice(1L << 30);
        CachingAllocator alloc = new CachingAllocator(device);
        long a = alloc.allocate(1000);
        alloc.free(a);
        assertEquals(a, alloc.allocate(1024), "same class (1024) reuses the block");
        long b = alloc.allocate(3000);
        assertNotEquals(a, b);
        assertEquals(2, device.mallocs);
        AllocatorStats s = alloc.stats();
        assertEquals(1024 + 3072, s.inUseBytes());
        assertEquals(0, s.cachedBytes());
        assertEquals(2, s.deviceAllocations());
        assertEquals(1, s.cacheHits());
    }

    @Test
    void statisticsTrackInUseCachedAndPeak() {
        FakeDevice device = new FakeDevice(1L << 30);
        CachingAllocator alloc = new CachingAllocator(device);
        long a = alloc.allocate(3L << 20);   // 4 MiB class
        long b = alloc.allocate(100);        // 512
        alloc.free(a);
        AllocatorStats s = alloc.stats();
        assertEquals(512, s.inUseBytes());
        assertEquals(4L << 20, s.cachedBytes());
        assertEquals((4L << 20) + 512, s.peakInUseBytes());
        alloc.free(b);
        alloc.emptyCache();
        s = alloc.stats();
        assertEquals(0, s.inUseBytes());
        assertEquals(0, s.cachedBytes());
        assertEquals((4L << 20) + 512, s.peakInUseBytes());
        assertEquals(0, device.used, "every block went back to the device");
        assertEquals(2, device.frees);
    }

    @Test
    void outOfMemoryEmptiesTheCacheAndRetriesOnce() {
        FakeDevice device = new FakeDevice(4L << 20);
        CachingAllocator alloc = new CachingAllocator(device);
        long a = alloc.allocate(2L << 20);
        alloc.free(a);                                    // 2 MiB cached
        long b = alloc.allocate(3L << 20);                // needs 4 MiB: only fits after the cache is emptied
        assertTrue(b != 0);
        assertEquals(0, alloc.stats().cachedBytes());
        DeviceOutOfMemoryException e = assertThrows(DeviceOutOfMemoryException.class, () -> alloc.allocate(1L << 20));
        assertTrue(e.getMessage().contains("out of device memory") && e.getMessage().contains("1048576")
                        && e.getMessage().contains("bytes in use") && e.getMessage().contains("peak"),
                e.getMessage());
    }

    @Test
    void freeingTwiceOrAStrangerNamesTheAddress() {
        CachingAllocator alloc = new CachingAllocator(new FakeDevice(1L << 30));
        long a = alloc.allocate(10);
        alloc.free(a);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> alloc.free(a));
        assertTrue(e.getMessage().contains(Long.toHexString(a)), e.getMessage());
        assertThrows(IllegalStateException.class, () -> alloc.free(0xdeadL));
    }

    @Test
    void aTrainingLoopOfRecurringSizesStopsTouchingTheDevice() {
        FakeDevice device = new FakeDevice(1L << 30);
        CachingAllocator alloc = new CachingAllocator(device);
        long[] sizes = {64 * 3 * 32 * 32 * 4, 64 * 10 * 4, 4, 512 * 512 * 4};
        for (int step = 0; step < 100; step++) {
            long[] blocks = new long[sizes.length];
            for (int i = 0; i < sizes.length; i++) {
                blocks[i] = alloc.allocate(sizes[i]);
            }
            for (long b : blocks) {
                alloc.free(b);
            }
        }
        assertEquals(sizes.length, device.mallocs);
        assertEquals(99 * sizes.length, alloc.stats().cacheHits());
    }
}
