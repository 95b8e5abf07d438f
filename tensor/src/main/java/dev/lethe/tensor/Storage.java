package dev.lethe.tensor;

/**
 * A block of memory that one or more tensors view. Storage is owned by the {@link MemoryScope}
 * that was open when it was allocated (or by no scope, then freed by {@link #release()} or, as
 * a safety net, by the garbage collector) and is released exactly once.
 */
public interface Storage {
    /** The device the memory lives on. */
    Device device();

    /** Capacity in bytes. */
    long byteSize();

    /** Frees the memory now; later access throws. Releasing twice is harmless. */
    void release();

    /** True once {@link #release()} has run. */
    boolean isReleased();
}
