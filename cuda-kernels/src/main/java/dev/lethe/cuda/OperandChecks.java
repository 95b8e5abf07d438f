package dev.lethe.cuda;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.util.Arrays;

/**
 * The operand checks the device ops share (pooling, normalisation, cuDNN, cuSOLVER), made before
 * any launch or library call, with the messages of the CPU backend's checks (op name, operand,
 * what was expected and what came), so both backends fail alike on the same bad call. Shapes and dtypes are checked apart from where a
 * tensor lives ({@link #requireOnDevice}), so they hold for any tensor.
 */
final class OperandChecks {
    private OperandChecks() {
    }

    /** Fails unless {@code t} is present and lives in device memory (the kernels take its address). */
    static void requireOnDevice(Tensor t, String what, String op) {
        requirePresent(t, what, op);
        if (!(t.storage() instanceof DeviceStorage)) {
            throw new IllegalArgumentException(op + ": " + what + " is on " + t.device()
                    + ", the CUDA backend needs tensors on the device");
        }
    }

    /** As {@link #requireOnDevice} for an optional operand: null passes. */
    static void requireOnDeviceIfPresent(Tensor t, String what, String op) {
        if (t != null) {
            requireOnDevice(t, what, op);
        }
    }

    /** Fails when {@code t} is null. */
    static void requirePresent(Tensor t, String what, String op) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + what + " must not be null");
        }
    }

    /** Fails unless {@code t} is a float32 or float64 tensor. */
    static void requireFloating(Tensor t, String what, String op) {
        requirePresent(t, what, op);
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": " + what + " must be float32 or float64, got " + t.dtype());
        }
    }

    /** Fails unless {@code t} has dtype {@code want}. */
    static void requireDType(Tensor t, DType want, String what, String op) {
        requirePresent(t, what, op);
        if (t.dtype() != want) {
            throw new IllegalArgumentException(op + ": " + what + " must be " + want + " like the input, got " + t.dtype());
        }
    }

    /** Fails unless {@code t} has exactly {@code shape}. */
    static void requireShape(Tensor t, int[] shape, String what, String op) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(op + ": " + what + " has shape " + Shape.str(t.shape())
                    + ", expected " + Shape.str(shape));
        }
    }

    /** Fails unless {@code t} has rank {@code rank}; {@code layout} names the expected axes. */
    static void requireRank(Tensor t, int rank, String what, String layout, String op) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + what + " must have rank " + rank + " " + layout
                    + ", got shape " + Shape.str(t.shape()));
        }
    }
}
