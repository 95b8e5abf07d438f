package dev.lethe.autograd.ops;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.util.Arrays;

/**
 * Argument checks for the operations that call {@code Backend} primitives directly (the
 * primitives trust their caller): each failure names the operation and the shapes involved.
 */
final class Arguments {
    private Arguments() {
    }

    static void requireFloating(Tensor t, String what, String op) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": " + what + " must be float32 or float64, got " + t.dtype());
        }
    }

    static void requireRank(Tensor t, int rank, String what, String op) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + what + " must have rank " + rank + ", got shape "
                    + Shape.str(t.shape()));
        }
    }

    /** An optional tensor (null allowed) of exactly {@code shape} and {@code dtype}. */
    static void requireShape(Tensor t, int[] shape, DType dtype, String what, String op) {
        if (t == null) {
            return;
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(op + ": " + what + " has shape " + Shape.str(t.shape())
                    + ", expected " + Shape.str(shape));
        }
        if (t.dtype() != dtype) {
            throw new IllegalArgumentException(op + ": " + what + " is " + t.dtype() + ", the input is " + dtype);
        }
    }

    /**
     * Every non-null tensor of {@code others} lies on the input's device: the primitives run on
     * the input's backend, which can read no other device's memory.
     */
    static void requireSameDevice(Tensor input, String op, Tensor... others) {
        for (Tensor t : others) {
            if (t != null && !t.device().equals(input.device())) {
                throw new IllegalArgumentException(op + ": tensors are on different devices (" + input.device()
                        + " and " + t.device() + ")");
            }
        }
    }

    static Tensor valueOrNull(Variable v) {
        return v == null ? null : v.value();
    }

    static Tensor contiguousOrNull(Tensor t) {
        return t == null ? null : t.contiguous();
    }

    /** A 1-D or same-rank int64/int32 index whose values lie in [0, size). */
    static void requireIndexRange(Tensor index, long size, String op) {
        if (index.dtype() != DType.INT64 && index.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + " needs an int64 index tensor, got " + index.dtype());
        }
        if (index.numel() == 0) {
            return;
        }
        double lo;
        double hi;
        try (Tensor mn = index.min(); Tensor mx = index.max()) {
            lo = mn.item();
            hi = mx.item();
        }
        if (lo < 0 || hi >= size) {
            throw new IndexOutOfBoundsException(op + ": index values [" + (long) lo + ", " + (long) hi
                    + "] are outside [0, " + size + ")");
        }
    }

    /** The spatial output size must be positive. */
    static void requireOutput(int outH, int outW, int[] inShape, String op) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException(op + ": input " + Shape.str(inShape) + " is too small for the window ("
                    + "output would be " + outH + " x " + outW + ")");
        }
    }
}
