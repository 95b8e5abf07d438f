package dev.lethe.tensor.cpu;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Argument checks the CPU primitives share, so that a bad call from any layer ends in an
 * exception that names the operation and the problem instead of reaching native code.
 */
final class ArgChecks {
    private ArgChecks() {
    }

    /** Fails unless {@code t} is a float32 or float64 host tensor. */
    static void requireFloating(Tensor t, String what, String op) {
        requireHost(t, what, op);
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": " + what + " must be float32 or float64, got " + t.dtype());
        }
    }

    /** Fails unless {@code t} is a host tensor of dtype {@code want}. */
    static void requireDType(Tensor t, DType want, String what, String op) {
        requireHost(t, what, op);
        if (t.dtype() != want) {
            throw new IllegalArgumentException(op + ": " + what + " must be " + want + " like the input, got " + t.dtype());
        }
    }

    /** Fails unless {@code t} is an int64 or int32 host tensor. */
    static void requireIndex(Tensor t, String what, String op) {
        requireHost(t, what, op);
        if (t.dtype() != DType.INT64 && t.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + ": " + what + " must be int64 or int32, got " + t.dtype());
        }
    }

    /** Fails unless {@code t} has rank {@code rank}; {@code layout} describes the expected axes. */
    static void requireRank(Tensor t, int rank, String what, String layout, String op) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + what + " must have rank " + rank + " " + layout
                    + ", got shape " + Shape.str(t.shape()));
        }
    }

    /** Fails unless {@code t} has exactly {@code shape}. */
    static void requireShape(Tensor t, int[] shape, String what, String op) {
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(op + ": " + what + " has shape " + Shape.str(t.shape())
                    + ", expected " + Shape.str(shape));
        }
    }

    /** Fails unless {@code t} lives in host memory. */
    static void requireHost(Tensor t, String what, String op) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + what + " must not be null");
        }
        if (!t.device().equals(Device.CPU)) {
            throw new IllegalArgumentException(op + ": " + what + " is on " + t.device()
                    + ", the CPU backend needs host tensors");
        }
    }

    /** Product of {@code shape[from .. to)}. */
    static int prod(int[] shape, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            n *= shape[i];
        }
        return Elementwise.toInt(n);
    }
}
