package dev.lethe.cuda;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The Java side of the kernels' {@code Layout3} struct (lethe_kernels.cuh): up to three tensors
 * viewed with one shape, strides and offsets in elements. {@link #toBytes()} writes the exact
 * bytes nvcc lays the struct out as on x86-64 and the device, to pass it by value as a kernel
 * parameter:
 * {@code int rank; int shape[8]; /* 4 bytes padding *}{@code / long long stride[3][8]; long long offset[3];}.
 */
final class KernelLayout {
    /** sizeof(Layout3). */
    static final int BYTES = 256;
    /** Offset of {@code stride} (aligned to 8 after 9 ints). */
    static final int STRIDE_OFFSET = 40;
    /** Offset of {@code offset}. */
    static final int OFFSETS_OFFSET = STRIDE_OFFSET + 3 * LaunchChecks.MAX_RANK * Long.BYTES;

    private final int[] shape;
    private final long[][] strides = new long[3][];
    private final long[] offsets = new long[3];

    /** A layout over {@code shape}; slots without a tensor keep zero strides and offsets. */
    KernelLayout(int[] shape, String op) {
        LaunchChecks.checkRank(shape, op);
        this.shape = shape.clone();
        for (int s = 0; s < 3; s++) {
            strides[s] = new long[shape.length];
        }
    }

    /** Puts a tensor's (broadcast) strides and offset in slot 0, 1 or 2. */
    KernelLayout slot(int slot, long[] slotStrides, long offset) {
        if (slotStrides.length != shape.length) {
            throw new IllegalArgumentException("slot " + slot + " has rank " + slotStrides.length + ", the layout "
                    + shape.length);
        }
        strides[slot] = slotStrides.clone();
        offsets[slot] = offset;
        return this;
    }

    /** The number of elements the layout walks. */
    long numel() {
        long n = 1;
        for (int e : shape) {
            n *= e;
        }
        return n;
    }

    /** The struct's bytes, in native order. */
    byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(BYTES).order(ByteOrder.nativeOrder());
        b.putInt(0, shape.length);
        for (int d = 0; d < shape.length; d++) {
            b.putInt(4 + 4 * d, shape[d]);
        }
        for (int s = 0; s < 3; s++) {
            for (int d = 0; d < shape.length; d++) {
                b.putLong(STRIDE_OFFSET + (s * LaunchChecks.MAX_RANK + d) * Long.BYTES, strides[s][d]);
            }
            b.putLong(OFFSETS_OFFSET + s * Long.BYTES, offsets[s]);
        }
        return b.array();
    }

    @Override
    public String toString() {
        return "KernelLayout" + Arrays.toString(shape);
    }
}
