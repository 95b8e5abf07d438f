package dev.lethe.cuda;

/**
 * Raw device memory as the {@link CachingAllocator} sees it: the driver on a GPU
 * ({@code cuMemAlloc}/{@code cuMemFree}), a fake in tests, so the allocator's bookkeeping is
 * tested without a device.
 */
interface DeviceMemory {
    /** Allocates {@code bytes} bytes and returns the device address, or 0 when the device is out of memory. */
    long allocate(long bytes);

    /** Returns a block {@link #allocate} gave out. */
    void free(long address);
}
