package dev.lethe.cuda;

import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Storage;

/**
 * A block of device memory from the {@link CachingAllocator}, owned like host storage by the
 * {@link MemoryScope} open when it was allocated; {@link #release()} returns the block to the
 * allocator's cache (work already queued on the stream that uses it stays ordered before any
 * reuse, since the backend has one stream).
 */
final class DeviceStorage implements Storage {
    private final CachingAllocator allocator;
    private final Device device;
    private final long address;
    private final long byteSize;
    private volatile boolean released;

    /** Allocates {@code byteSize} bytes (uninitialised) and registers them with the current scope. */
    DeviceStorage(CachingAllocator allocator, Device device, long byteSize) {
        if (byteSize < 0) {
            throw new IllegalArgumentException("a device storage cannot have " + byteSize + " bytes");
        }
        this.allocator = allocator;
        this.device = device;
        this.byteSize = byteSize;
        this.address = allocator.allocate(byteSize);
        MemoryScope.register(this);
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public long byteSize() {
        return byteSize;
    }

    /** The device address of the first byte; fails once released. */
    long address() {
        if (released) {
            throw new IllegalStateException("device storage was already freed (its MemoryScope closed or it was "
                    + "closed explicitly); keep tensors that must outlive a scope with MemoryScope.keep");
        }
        return address;
    }

    @Override
    public synchronized void release() {
        if (!released) {
            released = true;
            allocator.free(address);
        }
    }

    @Override
    public boolean isReleased() {
        return released;
    }
}
