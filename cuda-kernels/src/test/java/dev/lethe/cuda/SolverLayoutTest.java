package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.Backends;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The row-major → column-major mapping of the dense solvers, checked by running textbook
 * column-major potrf/potrs/getrf/getrs models (LAPACK's algorithms, unblocked) on the row-major
 * buffers exactly as {@link CusolverDense} hands them to cuSOLVER, and comparing with the CPU
 * backend; plus the argument checks and messages shared with the CPU.
 */
class SolverLayoutTest {
    private static final double[] SPD = {
        4, 2, 0.6, 1,
        2, 5, 1, 0.5,
        0.6, 1, 3, 0.2,
        1, 0.5, 0.2, 6};

    /** Column-major potrf on the upper (UPLO='U') or lower triangle; returns info as LAPACK. */
    private static int potrf(SolverLayout.Fill fill, double[] a, int n) {
        for (int j = 0; j < n; j++) {
            double d = a[j + j * n];
            for (int k = 0; k < j; k++) {
                double v = fill == SolverLayout.Fill.UPPER ? a[k + j * n] : a[j + k * n];
                d -= v * v;
            }
            if (!(d > 0)) {
                return j + 1;
            }
            d = Math.sqrt(d);
            a[j + j * n] = d;
            for (int i = j + 1; i < n; i++) {
                if (fill == SolverLayout.Fill.UPPER) { // U[j][i], row j of U
                    double s = a[j + i * n];
                    for (int k = 0; k < j; k++) {
                        s -= a[k + j * n] * a[k + i * n];
                    }
                    a[j + i * n] = s / d;
                } else { // L[i][j], column j of L
                    double s = a[i + j * n];
                    for (int k = 0; k < j; k++) {
                        s -= a[i + k * n] * a[j + k * n];
                    }
                    a[i + j * n] = s / d;
                }
            }
        }
        return 0;
    }

    /** Column-major potrs with UPLO='U': solves UᵀU·X = B, B n×k with leading dimension n, in place. */
    private static void potrsUpper(double[] u, int n, double[] b, int k) {
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < n; i++) { // Uᵀ y = b
                double s = b[i + c * n];
                for (int r = 0; r < i; r++) {
                    s -= u[r + i * n] * b[r + c * n];
                }
                b[i + c * n] = s / u[i + i * n];
            }
            for (int i = n - 1; i >= 0; i--) { // U x = y
                double s = b[i + c * n];
                for (int r = i + 1; r < n; r++) {
                    s -= u[i + r * n] * b[r + c * n];
                }
                b[i + c * n] = s / u[i + i * n];
            }
        }
    }

    /** Column-major getrf with partial pivoting (1-based pivots as LAPACK); returns info. */
    private static int getrf(double[] a, int n, int[] ipiv) {
        int info = 0;
        for (int j = 0; j < n; j++) {
            int p = j;
            for (int i = j + 1; i < n; i++) {
                if (Math.abs(a[i + j * n]) > Math.abs(a[p + j * n])) {
                    p = i;
                }
            }
            ipiv[j] = p + 1;
            if (a[p + j * n] == 0) {
                if (info == 0) {
                    info = j + 1;
                }
                continue;
            }
            for (int c = 0; c < n; c++) {
                double t = a[j + c * n];
                a[j + c * n] = a[p + c * n];
                a[p + c * n] = t;
            }
            for (int i = j + 1; i < n; i++) {
                a[i + j * n] /= a[j + j * n];
                for (int c = j + 1; c < n; c++) {
                    a[i + c * n] -= a[i + j * n] * a[j + c * n];
                }
            }
        }
        return info;
    }

    /** Column-major getrs with TRANS='N'. */
    private static void getrs(double[] lu, int n, int[] ipiv, double[] b, int k) {
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < n; i++) {
                int p = ipiv[i] - 1;
                double t = b[i + c * n];
                b[i + c * n] = b[p + c * n];
                b[p + c * n] = t;
            }
            for (int i = 0; i < n; i++) {
                for (int r = 0; r < i; r++) {
                    b[i + c * n] -= lu[i + r * n] * b[r + c * n];
                }
            }
            for (int i = n - 1; i >= 0; i--) {
                double s = b[i + c * n];
                for (int r = i + 1; r < n; r++) {
                    s -= lu[i + r * n] * b[r + c * n];
                }
                b[i + c * n] = s / lu[i + i * n];
            }
        }
    }

    /** The row-major buffer of the transpose of a row-major rows×cols matrix. */
    private static double[] transpose(double[] m, int rows, int cols) {
        double[] t = new double[m.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = m[i * cols + j];
            }
        }
        return t;
    }

    private static void assertClose(double[] want, double[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-12, what + " at " + i);
        }
    }

    @Test
    void upperFillOnTheRowMajorBufferGivesTheCpuLowerFactor() {
        int n = 4;
        double[] buf = SPD.clone();
        // As CusolverDense: the row-major strict upper triangle is zeroed before the call.
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                buf[i * n + j] = 0;
            }
        }
        assertEquals(0, potrf(SolverLayout.LOWER_FACTOR_FILL, buf, n));
        try (Tensor a = Tensor.of(SPD, n, n); Tensor l = Backends.cpu().cholesky(a)) {
            assertClose(l.toDoubleArray(), buf, "factor read row-major");
        }
    }

    @Test
    void theOtherFillWouldLeaveTheTransposedFactorInTheUpperTriangle() {
        int n = 4;
        double[] buf = SPD.clone();
        assertEquals(0, potrf(SolverLayout.Fill.LOWER, buf, n));
        try (Tensor a = Tensor.of(SPD, n, n); Tensor l = Backends.cpu().cholesky(a)) {
            double[] cpu = l.toDoubleArray();
            for (int i = 0; i < n; i++) {
                for (int j = i; j < n; j++) {
                    assertEquals(cpu[j * n + i], buf[i * n + j], 1e-12, "row-major (" + i + ", " + j + ") holds Lᵀ");
                }
            }
        }
    }

    @Test
    void failingMinorHasTheCpuIndex() {
        int n = 4;
        double[] bad = SPD.clone();
        bad[2 * n + 2] = -1; // the leading minor of order 3 is not positive-definite
        double[] buf = bad.clone();
        int info = potrf(SolverLayout.LOWER_FACTOR_FILL, buf, n);
        assertEquals(3, info);
        try (Tensor a = Tensor.of(bad, n, n)) {
            IllegalArgumentException cpu = assertThrows(IllegalArgumentException.class, () -> Backends.cpu().cholesky(a));
            assertEquals(cpu.getMessage(), SolverLayout.notPositiveDefinite("cholesky", info).getMessage());
        }
    }

    @Test
    void choleskySolveOnTheFactorBufferAndTransposedRhsMatchesTheCpu() {
        int n = 4;
        int k = 3;
        double[] b = {1, 2, 3, -1, 0, 4, 2, 2, -2, 0.5, 1, 1};
        try (Tensor a = Tensor.of(SPD, n, n); Tensor l = Backends.cpu().cholesky(a); Tensor tb = Tensor.of(b, n, k);
             Tensor want = Backends.cpu().choleskySolve(l, tb)) {
            assertTrue(SolverLayout.rhsNeedsTranspose(tb.shape()));
            double[] x = transpose(b, n, k); // b.t().copy(): column-major n×k, leading dimension n
            potrsUpper(l.toDoubleArray(), n, x, k);
            assertClose(want.toDoubleArray(), transpose(x, k, n), "solution");
        }
    }

    @Test
    void luOfTheTransposedCopyMatchesTheCpuSolveAndSingularIndex() {
        int n = 3;
        double[] m = {0, 2, 1, 3, 1, -1, 1, 4, 2};
        double[] b = {1, 0, 2, 1, 3, -1};
        try (Tensor a = Tensor.of(m, n, n); Tensor tb = Tensor.of(b, n, 2); Tensor want = Backends.cpu().luSolve(a, tb)) {
            double[] lu = transpose(m, n, n); // a.t().copy(): column-major A
            int[] ipiv = new int[n];
            assertEquals(0, getrf(lu, n, ipiv));
            double[] x = transpose(b, n, 2);
            getrs(lu, n, ipiv, x, 2);
            assertClose(want.toDoubleArray(), transpose(x, 2, n), "solution");
        }
        double[] singular = {1, 2, 3, 2, 4, 6, 1, 0, 1};
        try (Tensor a = Tensor.of(singular, n, n); Tensor tb = Tensor.of(new double[] {1, 2, 3}, n)) {
            IllegalArgumentException cpu = assertThrows(IllegalArgumentException.class, () -> Backends.cpu().luSolve(a, tb));
            double[] lu = transpose(singular, n, n);
            int info = getrf(lu, n, new int[n]);
            assertTrue(info > 0);
            assertEquals(cpu.getMessage(), SolverLayout.singular("luSolve", info).getMessage());
        }
    }

    @Test
    void vectorsAndSingleColumnsAreAlreadyColumnMajor() {
        assertFalse(SolverLayout.rhsNeedsTranspose(new int[] {5}));
        assertFalse(SolverLayout.rhsNeedsTranspose(new int[] {5, 1}));
        assertTrue(SolverLayout.rhsNeedsTranspose(new int[] {5, 2}));
        assertEquals(org.bytedeco.cuda.global.cublas.CUBLAS_FILL_MODE_UPPER, SolverLayout.Fill.UPPER.cublas);
        assertEquals(org.bytedeco.cuda.global.cublas.CUBLAS_FILL_MODE_LOWER, SolverLayout.Fill.LOWER.cublas);
    }

    @Test
    void checksAndMessagesMatchTheCpu() {
        try (Tensor f32 = Tensor.zeros(DType.FLOAT32, 3, 3); Tensor rect = Tensor.zeros(DType.FLOAT64, 3, 2);
             Tensor sq = Tensor.zeros(DType.FLOAT64, 3, 3); Tensor badRhs = Tensor.zeros(DType.FLOAT64, 4);
             Tensor rhs3d = Tensor.zeros(DType.FLOAT64, 3, 1, 1)) {
            sameMessage(() -> Backends.cpu().cholesky(f32),
                    () -> SolverLayout.squareSize(f32.dtype(), f32.shape(), "matrix", "cholesky"));
            sameMessage(() -> Backends.cpu().cholesky(rect),
                    () -> SolverLayout.squareSize(rect.dtype(), rect.shape(), "matrix", "cholesky"));
            sameMessage(() -> Backends.cpu().choleskySolve(rect, sq),
                    () -> SolverLayout.squareSize(rect.dtype(), rect.shape(), "factor", "choleskySolve"));
            sameMessage(() -> Backends.cpu().luSolve(sq, badRhs),
                    () -> SolverLayout.rhsColumns(badRhs.dtype(), badRhs.shape(), 3, "luSolve"));
            sameMessage(() -> Backends.cpu().luSolve(sq, rhs3d),
                    () -> SolverLayout.rhsColumns(rhs3d.dtype(), rhs3d.shape(), 3, "luSolve"));
            sameMessage(() -> Backends.cpu().luSolve(sq, f32),
                    () -> SolverLayout.rhsColumns(f32.dtype(), f32.shape(), 3, "luSolve"));
        }
        assertEquals(4, SolverLayout.rhsColumns(DType.FLOAT64, new int[] {3, 4}, 3, "luSolve"));
        assertEquals(1, SolverLayout.rhsColumns(DType.FLOAT64, new int[] {3}, 3, "luSolve"));
        assertEquals("luSolve: cusolverDnDgetrs rejected argument 3",
                SolverLayout.rejected("luSolve", "cusolverDnDgetrs", -3).getMessage());
    }

    private static void sameMessage(org.junit.jupiter.api.function.Executable cpu,
                                    org.junit.jupiter.api.function.Executable here) {
        IllegalArgumentException want = assertThrows(IllegalArgumentException.class, cpu);
        IllegalArgumentException got = assertThrows(IllegalArgumentException.class, here);
        assertEquals(want.getMessage(), got.getMessage());
    }
}
