package dev.lethe.tensor.reference;

import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.util.Arrays;

/**
 * The error measure of the reference tests: ‖got − want‖₂ / ‖want‖₂ over all elements, with the
 * tolerances a float32 kernel must meet against PyTorch's float64 result.
 */
public final class RelativeError {
    /** Tolerance of a float32 forward result. */
    public static final double FORWARD = 1e-5;
    /** Tolerance of a float32 gradient (backward passes subtract nearly equal terms). */
    public static final double BACKWARD = 1e-4;
    /** {@code -Dreference.print=true} (in {@code surefire.argLine}) logs every measured error. */
    private static final boolean PRINT = Boolean.getBoolean("reference.print");

    private RelativeError() {
    }

    /** ‖got − want‖ / ‖want‖ (the absolute norm ‖got‖ when want is all zeros). */
    public static double of(double[] got, double[] want) {
        if (got.length != want.length) {
            throw new AssertionError(got.length + " values compared with " + want.length);
        }
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < got.length; i++) {
            double d = got[i] - want[i];
            diff += d * d;
            norm += want[i] * want[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    /**
     * Fails unless got has want's shape and {@link #of} is at most {@code tol}; the message names
     * {@code what} and the measured error. Returns the error for callers that log it.
     */
    public static double assertWithin(Tensor got, Tensor want, double tol, String what) {
        if (!Arrays.equals(got.shape(), want.shape())) {
            throw new AssertionError(what + ": shape " + Shape.str(got.shape()) + ", reference "
                    + Shape.str(want.shape()));
        }
        double e = of(got.toDoubleArray(), want.toDoubleArray());
        if (PRINT) {
            System.out.printf("reference %-48s relative error %.2e%n", what, e);
        }
        if (!(e <= tol)) {
            throw new AssertionError(String.format("%s: relative error %.3e exceeds %.0e", what, e, tol));
        }
        return e;
    }

    /** {@link #assertWithin} with the forward tolerance. */
    public static double assertForward(Tensor got, Tensor want, String what) {
        return assertWithin(got, want, FORWARD, what);
    }

    /** {@link #assertWithin} with the backward tolerance. */
    public static double assertBackward(Tensor got, Tensor want, String what) {
        return assertWithin(got, want, BACKWARD, what);
    }
}
