package dev.lethe.unlearn.analytic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Tensor;

/**
 * Ridge regression retrained from scratch in closed form, the gold standard the recursive updates
 * must reproduce: {@code R = (XᵀX + γI)⁻¹} (Cholesky factor of XᵀX + γI, then solves against the
 * identity) and {@code W = R XᵀY}, all float64. Tensors are allocated in the caller's scope.
 *
 * @param r R [d, d]
 * @param w W [d, K]
 */
record ClosedFormRidge(Tensor r, Tensor w) {
    /** The exactness tolerance of UNLEARNING.md: ‖a − b‖ / ‖b‖ ≤ 1e-9 with exact features. */
    static final double EXACT = 1e-9;

    /** The solution for features X [n, d] and targets Y [n, K]. */
    static ClosedFormRidge of(Tensor x, Tensor y, double gamma) {
        int d = x.size(1);
        Tensor gram = x.t().matmul(x).add(Tensor.eye(d, DType.FLOAT64).mul(gamma));
        Tensor l = gram.backend().cholesky(gram);
        Tensor r = gram.backend().choleskySolve(l, Tensor.eye(d, DType.FLOAT64));
        Tensor w = r.matmul(x.t().matmul(y));
        return new ClosedFormRidge(r, w);
    }

    /** The rows {@code rows} of {@code m}, in that order. */
    static Tensor rows(Tensor m, int[] rows) {
        long[] idx = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            idx[i] = rows[i];
        }
        return m.indexSelect(0, Tensor.of(idx, rows.length));
    }

    /** One-hot rows of {@code classes} columns for {@code labels}, float64. */
    static Tensor oneHot(int[] labels, int classes) {
        double[] v = new double[labels.length * classes];
        for (int i = 0; i < labels.length; i++) {
            v[i * classes + labels[i]] = 1;
        }
        return Tensor.of(v, labels.length, classes);
    }

    /** ‖a − b‖ / ‖b‖ in float64. */
    static double relativeError(Tensor a, Tensor b) {
        assertArrayEquals(b.shape(), a.shape(), "shapes");
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < x.length; i++) {
            diff += (x[i] - y[i]) * (x[i] - y[i]);
            norm += y[i] * y[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    /** Fails unless {@code a} is within {@link #EXACT} of {@code b}; returns the error. */
    static double assertExact(Tensor a, Tensor b, String what) {
        double e = relativeError(a, b);
        assertTrue(e <= EXACT, what + ": relative error " + e + " exceeds " + EXACT);
        return e;
    }
}
