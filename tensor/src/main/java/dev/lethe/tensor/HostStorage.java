package dev.lethe.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Off-heap host memory behind a JavaCPP {@link BytePointer}: handed to OpenBLAS/LAPACK without a
 * copy, and read by Java loops through native-order NIO buffer views (never
 * {@code Pointer.get(i)}, which is about 100x slower).
 *
 * <p>The buffer views are made once per storage; kernels ask for them on every call, so a use
 * after {@link #release()} fails with an exception instead of touching freed memory.
 */
public final class HostStorage implements Storage {
    private static final AtomicLong LIVE_BYTES = new AtomicLong();

    private final BytePointer pointer;
    private final long byteSize;
    private final ByteBuffer bytes;
    private volatile boolean released;

    private FloatBuffer floats;
    private DoubleBuffer doubles;
    private IntBuffer ints;
    private LongBuffer longs;

    /** Allocates {@code byteSize} bytes (uninitialised) and registers them with the current scope. */
    public HostStorage(long byteSize) {
        if (byteSize < 0 || byteSize > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("a host storage of " + byteSize
                    + " bytes is outside the supported range [0, 2 GiB)");
        }
        // Never allocate zero bytes: JavaCPP returns a null pointer for that.
        this.pointer = HostBlockCache.take(Math.max(byteSize, 8));
        if (pointer.isNull()) {
            throw new OutOfMemoryError("could not allocate " + byteSize + " bytes of native memory");
        }
        this.byteSize = byteSize;
        this.bytes = pointer.limit(Math.max(byteSize, 8)).asByteBuffer().order(ByteOrder.nativeOrder());
        LIVE_BYTES.addAndGet(byteSize);
        MemoryScope.register(this);
    }

    /** Bytes of released large blocks kept for reuse (see {@link #releaseCachedBlocks()}). */
    public static long cachedBytes() {
        return HostBlockCache.cachedBytes();
    }

    /** Returns every cached block to the C allocator. */
    public static void releaseCachedBlocks() {
        HostBlockCache.clear();
    }

    /** Bytes held by host storages that have not been released (for memory-flatness checks). */
    public static long liveBytes() {
        return LIVE_BYTES.get();
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public long byteSize() {
        return byteSize;
    }

    /** The native pointer, for BLAS/LAPACK calls. Check {@link #isReleased()} is false first. */
    public Pointer pointer() {
        checkLive();
        return pointer;
    }

    /** The address of the first byte, for native calls. */
    public long address() {
        checkLive();
        return pointer.address();
    }

    /** All bytes as a native-order buffer. */
    public ByteBuffer bytes() {
        checkLive();
        return bytes;
    }

    /** The bytes viewed as floats. */
    public FloatBuffer floats() {
        checkLive();
        FloatBuffer f = floats;
        if (f == null) {
            f = floats = bytes.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        return f;
    }

    /** The bytes viewed as doubles. */
    public DoubleBuffer doubles() {
        checkLive();
        DoubleBuffer d = doubles;
        if (d == null) {
            d = doubles = bytes.duplicate().order(ByteOrder.nativeOrder()).asDoubleBuffer();
        }
        return d;
    }

    /** The bytes viewed as ints. */
    public IntBuffer ints() {
        checkLive();
        IntBuffer i = ints;
        if (i == null) {
            i = ints = bytes.duplicate().order(ByteOrder.nativeOrder()).asIntBuffer();
        }
        return i;
    }

    /** The bytes viewed as longs. */
    public LongBuffer longs() {
        checkLive();
        LongBuffer l = longs;
        if (l == null) {
            l = longs = bytes.duplicate().order(ByteOrder.nativeOrder()).asLongBuffer();
        }
        return l;
    }

    @Override
    public synchronized void release() {
        if (!released) {
            released = true;
            LIVE_BYTES.addAndGet(-byteSize);
            HostBlockCache.give(pointer, Math.max(byteSize, 8));
        }
    }

    @Override
    public boolean isReleased() {
        return released;
    }

    private void checkLive() {
        if (released) {
            throw new IllegalStateException("tensor storage was already freed (its MemoryScope closed "
                    + "or it was closed explicitly); keep tensors that must outlive a scope with MemoryScope.keep");
        }
    }
}
