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

    /**
     * The same walk over fewer dimensions, for {@code layouts} that are walked together (one
     * launch's layouts share the logical index): size-1 dimensions go, and neighbouring
     * dimensions d, d+1 merge wherever every slot of every layout has
     * {@code stride[d] == stride[d+1]·shape[d+1]}, as PyTorch's TensorIterator coalesces. Every
     * logical index then reaches the same elements, with fewer divisions in the kernel's
     * {@code offsets3}; contiguous operands of one shape become one dimension, which the kernel
     * walks with no division at all.
     */
    static KernelLayout[] coalesce(KernelLayout... layouts) {
        int[] shape = layouts[0].shape;
        for (KernelLayout k : layouts) {
            if (!Arrays.equals(k.shape, shape)) {
                throw new IllegalArgumentException("layouts walked together need one shape, got " + Arrays.toString(shape)
                        + " and " + Arrays.toString(k.shape));
            }
        }
        for (int e : shape) {
            if (e == 0) {
                return layouts; // nothing is walked
            }
        }
        // dims kept, outermost first; each kept dim's extent and the strides of its innermost member
        java.util.List<Integer> extents = new java.util.ArrayList<>();
        java.util.List<long[][]> strides = new java.util.ArrayList<>(); // [layout][slot]
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] == 1) {
                continue;
            }
            long[][] here = new long[layouts.length][3];
            for (int k = 0; k < layouts.length; k++) {
                for (int s = 0; s < 3; s++) {
                    here[k][s] = layouts[k].strides[s][d];
                }
            }
            int last = extents.size() - 1;
            if (last >= 0 && mergeable(strides.get(last), here, shape[d])) {
                extents.set(last, extents.get(last) * shape[d]);
                strides.set(last, here);
            } else {
                extents.add(shape[d]);
                strides.add(here);
            }
        }
        int[] merged = extents.stream().mapToInt(Integer::intValue).toArray();
        KernelLayout[] out = new KernelLayout[layouts.length];
        for (int k = 0; k < layouts.length; k++) {
            out[k] = new KernelLayout(merged, "coalesce");
            for (int s = 0; s < 3; s++) {
                long[] st = new long[merged.length];
                for (int d = 0; d < merged.length; d++) {
                    st[d] = strides.get(d)[k][s];
                }
                out[k].slot(s, st, layouts[k].offsets[s]);
            }
        }
        return out;
    }

    /** Whether an outer dim with strides {@code outer} folds into the next one (strides {@code inner}, extent {@code extent}). */
    private static boolean mergeable(long[][] outer, long[][] inner, int extent) {
        for (int k = 0; k < outer.length; k++) {
            for (int s = 0; s < 3; s++) {
                if (outer[k][s] != inner[k][s] * extent) {
                    return false;
                }
            }
        }
        return true;
    }

    /** This layout alone, coalesced ({@link #coalesce(KernelLayout...)}). */
    KernelLayout coalesced() {
        return coalesce(this)[0];
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
