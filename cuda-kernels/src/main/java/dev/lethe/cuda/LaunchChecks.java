package dev.lethe.cuda;

import dev.lethe.tensor.Tensor;
import java.util.Arrays;

/**
 * Checks made in Java before any kernel launch, so a wrong size or offset is an exception naming
 * the operation, never a device fault that poisons the CUDA context.
 */
final class LaunchChecks {
    /** The highest rank the kernels' {@code Layout3} holds ({@code LETHE_MAX_RANK} in lethe_kernels.cuh). */
    static final int MAX_RANK = 8;

    private LaunchChecks() {
    }

    /** Fails unless every element {@code t} can address lies inside its storage. */
    static void checkWithinStorage(Tensor t, String op) {
        checkWithinStorage(t.shape(), t.strides(), t.offset(), t.dtype().byteSize(), t.storage().byteSize(), op);
    }

    /**
     * Fails unless the elements reachable from {@code offset} through {@code shape} and
     * {@code strides} (in elements) lie in {@code [0, storageBytes)}; a tensor with no elements
     * reaches nothing.
     */
    static void checkWithinStorage(int[] shape, int[] strides, long offset, int elementBytes, long storageBytes,
                                   String op) {
        if (shape.length != strides.length) {
            throw new IllegalArgumentException(op + ": shape " + Arrays.toString(shape) + " and strides "
                    + Arrays.toString(strides) + " differ in rank");
        }
        long lowest = offset;
        long highest = offset;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0) {
                throw new IllegalArgumentException(op + ": negative extent in shape " + Arrays.toString(shape));
            }
            if (shape[d] == 0) {
                return;
            }
            long span = (long) (shape[d] - 1) * strides[d];
            if (span < 0) {
                lowest += span;
            } else {
                highest += span;
            }
        }
        if (lowest < 0 || (highest + 1) * elementBytes > storageBytes) {
            throw new IllegalArgumentException(op + ": a view of shape " + Arrays.toString(shape) + ", strides "
                    + Arrays.toString(strides) + ", offset " + offset + " reaches elements " + lowest + ".." + highest
                    + ", outside its storage of " + storageBytes / elementBytes + " elements");
        }
    }

    /** Fails when {@code shape} has more dimensions than the kernels hold. */
    static void checkRank(int[] shape, String op) {
        if (shape.length > MAX_RANK) {
            throw new IllegalArgumentException(op + ": rank " + shape.length + " of shape " + Arrays.toString(shape)
                    + " exceeds the CUDA kernels' limit of " + MAX_RANK);
        }
    }

    /**
     * {@code t}'s strides seen with {@code outShape} (NumPy broadcasting, aligned at the last
     * dimension): a broadcast dimension gets stride 0.
     */
    static long[] broadcastStrides(Tensor t, int[] outShape, String op) {
        return broadcastStrides(t.shape(), t.strides(), outShape, op);
    }

    /** As {@link #broadcastStrides(Tensor, int[], String)} from a shape and strides. */
    static long[] broadcastStrides(int[] shape, int[] strides, int[] outShape, String op) {
        checkRank(outShape, op);
        if (shape.length > outShape.length) {
            throw new IllegalArgumentException(op + ": shape " + Arrays.toString(shape) + " does not broadcast to "
                    + Arrays.toString(outShape));
        }
        long[] out = new long[outShape.length];
        int lead = outShape.length - shape.length;
        for (int d = 0; d < shape.length; d++) {
            int target = outShape[lead + d];
            if (shape[d] == target) {
                out[lead + d] = target == 1 ? 0 : strides[d];
            } else if (shape[d] == 1) {
                out[lead + d] = 0;
            } else {
                throw new IllegalArgumentException(op + ": shape " + Arrays.toString(shape) + " does not broadcast to "
                        + Arrays.toString(outShape));
            }
        }
        return out;
    }
}
