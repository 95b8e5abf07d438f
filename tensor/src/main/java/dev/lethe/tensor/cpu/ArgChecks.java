package dev.lethe.tensor.cpu;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.OperandRules;
import dev.lethe.tensor.Tensor;

/**
 * Argument checks the CPU primitives share, so that a bad call from any layer ends in an
 * exception that names the operation and the problem instead of reaching native code: that a
 * tensor lives in host memory, on top of {@link OperandRules}, which every backend applies.
 */
final class ArgChecks {
    private ArgChecks() {
    }

    /** Fails unless {@code t} is a float32 or float64 host tensor. */
    static void requireFloating(Tensor t, String what, String op) {
        requireHost(t, what, op);
        OperandRules.requireFloating(t, what, op);
    }

    /** Fails unless {@code t} is a host tensor of dtype {@code want}. */
    static void requireDType(Tensor t, DType want, String what, String op) {
        requireHost(t, what, op);
        OperandRules.requireDType(t, want, what, op);
    }

    /** Fails unless {@code t} is an int64 or int32 host tensor. */
    static void requireIndex(Tensor t, String what, String op) {
        requireHost(t, what, op);
        if (t.dtype() != DType.INT64 && t.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + ": " + what + " must be int64 or int32, got " + t.dtype());
        }
    }

    /** Fails unless {@code t} lives in host memory. */
    static void requireHost(Tensor t, String what, String op) {
        OperandRules.requirePresent(t, what, op);
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
