package dev.lethe.tensor;

import java.util.Arrays;

/**
 * The checks every backend makes of a primitive's operands before it touches memory, with one
 * set of messages (op name, operand, what was expected, what came), so the CPU and a device
 * backend fail alike on the same bad call. Where a tensor lives is each backend's own check.
 */
public final class OperandRules {
    private OperandRules() {
    }

    /** Fails when {@code t} is null. */
    public static void requirePresent(Tensor t, String what, String op) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + what + " must not be null");
        }
    }

    /** Fails unless {@code t} is a float32 or float64 tensor. */
    public static void requireFloating(Tensor t, String what, String op) {
        requirePresent(t, what, op);
        requireFloating(t.dtype(), what, op);
    }

    /** Fails unless {@code type} is float32 or float64 (for checks made from a plan's dtypes). */
    public static void requireFloating(DType type, String what, String op) {
        if (type == null || !type.isFloating()) {
            throw new IllegalArgumentException(op + ": " + what + " must be float32 or float64, got " + type);
        }
    }

    /** Fails unless {@code t} has dtype {@code want}. */
    public static void requireDType(Tensor t, DType want, String what, String op) {
        requirePresent(t, what, op);
        requireDType(t.dtype(), want, what, op);
    }

    /** Fails unless {@code type} is {@code want}. */
    public static void requireDType(DType type, DType want, String what, String op) {
        if (type != want) {
            throw new IllegalArgumentException(op + ": " + what + " must be " + want + " like the input, got " + type);
        }
    }

    /** Fails unless {@code t} has exactly {@code shape}. */
    public static void requireShape(Tensor t, int[] shape, String what, String op) {
        requireShape(t.shape(), shape, what, op);
    }

    /** Fails unless {@code got} is exactly {@code want}. */
    public static void requireShape(int[] got, int[] want, String what, String op) {
        if (!Arrays.equals(got, want)) {
            throw new IllegalArgumentException(op + ": " + what + " has shape " + Shape.str(got) + ", expected "
                    + Shape.str(want));
        }
    }

    /** Fails unless {@code t} has rank {@code rank}; {@code layout} names the expected axes. */
    public static void requireRank(Tensor t, int rank, String what, String layout, String op) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": " + what + " must have rank " + rank + " " + layout
                    + ", got shape " + Shape.str(t.shape()));
        }
    }
}
