package dev.lethe.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.util.function.Function;

/** Shared test helpers for the NN kernels: random inputs, relative errors, finite differences. */
final class NnChecks {
    /** Forward tolerance (‖a−b‖/‖b‖) for float32 results against float64 references. */
    static final double F32_FORWARD = 1e-5;
    /** Backward tolerance for float32. */
    static final double F32_BACKWARD = 1e-4;
    /** Tolerance for float64 results. */
    static final double F64 = 1e-12;
    /** Tolerance of a backward kernel against central finite differences in float64. */
    static final double FINITE_DIFF = 1e-6;

    private NnChecks() {
    }

    /** Standard normal values from a Philox stream seeded with {@code seed}. */
    static Tensor randn(long seed, DType type, int... shape) {
        return Tensor.randn(new Philox(seed), type, shape);
    }

    /** The same values as {@code x} in a non-contiguous layout (a permuted view of a reversed-axes copy). */
    static Tensor nonContiguous(Tensor x) {
        int r = x.rank();
        int[] rev = new int[r];
        for (int i = 0; i < r; i++) {
            rev[i] = r - 1 - i;
        }
        Tensor storage = x.permute(rev).copy();
        Tensor view = storage.permute(rev);
        assertTrue(r < 2 || !view.isContiguous() || x.numel() <= 1, "layout should be non-contiguous");
        return view;
    }

    /** ‖got − want‖ / ‖want‖ (absolute when want is all zeros). */
    static double relErr(double[] got, double[] want) {
        if (got.length != want.length) {
            throw new AssertionError("length " + got.length + " != " + want.length);
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < got.length; i++) {
            double d = got[i] - want[i];
            num += d * d;
            den += want[i] * want[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }

    /** Asserts {@code relErr(got, want) <= tol}. */
    static void assertClose(double[] got, double[] want, double tol, String what) {
        double e = relErr(got, want);
        assertTrue(e <= tol, what + ": relative error " + e + " > " + tol);
    }

    /** Asserts the tensor's values are within {@code tol} of {@code want}. */
    static void assertClose(Tensor got, double[] want, double tol, String what) {
        assertClose(got.toDoubleArray(), want, tol, what);
    }

    /** The tolerance for a dtype: float32 forward/backward or float64. */
    static double tol(DType t, boolean backward) {
        return t == DType.FLOAT64 ? F64 : backward ? F32_BACKWARD : F32_FORWARD;
    }

    /** Σ y·w, the scalar a finite-difference check differentiates. */
    static double dot(Tensor y, double[] w) {
        double[] v = y.toDoubleArray();
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            s += v[i] * w[i];
        }
        return s;
    }

    /**
     * Central finite differences of a scalar function of a float64 tensor:
     * (L(x + h·e_i) − L(x − h·e_i)) / 2h for every i.
     */
    static double[] numericGrad(Function<Tensor, Double> loss, Tensor x) {
        double h = 1e-6;
        double[] base = x.toDoubleArray();
        double[] grad = new double[base.length];
        int[] shape = x.shape();
        for (int i = 0; i < base.length; i++) {
            double[] v = base.clone();
            v[i] = base[i] + h;
            double up = loss.apply(Tensor.of(v, shape));
            v[i] = base[i] - h;
            double down = loss.apply(Tensor.of(v, shape));
            grad[i] = (up - down) / (2 * h);
        }
        return grad;
    }
}
