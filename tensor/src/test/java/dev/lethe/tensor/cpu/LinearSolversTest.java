package dev.lethe.tensor.cpu;

import static dev.lethe.tensor.cpu.NnChecks.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.Backends;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LinearSolversTest {
    private static final int N = 7;

    /** M·Mᵀ + n·I, symmetric positive-definite. */
    private static Tensor spd(long seed, int n) {
        Tensor m = NnChecks.randn(seed, DType.FLOAT64, n, n);
        return m.matmul(m.t()).add(Tensor.eye(n, DType.FLOAT64).mul((double) n));
    }

    /** Cholesky–Banachiewicz, row by row. */
    private static double[] naiveCholesky(double[] a, int n) {
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) {
                    s -= l[i * n + k] * l[j * n + k];
                }
                l[i * n + j] = i == j ? Math.sqrt(s) : s / l[j * n + j];
            }
        }
        return l;
    }

    /** Gauss–Jordan elimination with partial pivoting on [A | B]. */
    private static double[] naiveSolve(double[] a, double[] b, int n, int k) {
        double[][] m = new double[n][n + k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i][j] = a[i * n + j];
            }
            for (int j = 0; j < k; j++) {
                m[i][n + j] = b[i * k + j];
            }
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
                    p = r;
                }
            }
            double[] t = m[c];
            m[c] = m[p];
            m[p] = t;
            for (int r = 0; r < n; r++) {
                if (r != c) {
                    double f = m[r][c] / m[c][c];
                    for (int j = c; j < n + k; j++) {
                        m[r][j] -= f * m[c][j];
                    }
                }
            }
        }
        double[] x = new double[n * k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                x[i * k + j] = m[i][n + j] / m[i][i];
            }
        }
        return x;
    }

    @Test
    void choleskyMatchesTheNaiveFactorAndIsLower() {
        Tensor a = spd(1, N);
        double[] want = naiveCholesky(a.toDoubleArray(), N);
        Tensor l = LinearSolvers.cholesky(a.t()); // symmetric, so the transposed (strided) view is the same matrix
        assertClose(l, want, NnChecks.F64, "factor");
        assertClose(l.matmul(l.t()), a.toDoubleArray(), NnChecks.F64, "L·Lᵀ = A");
        for (int i = 0; i < N; i++) {
            for (int j = i + 1; j < N; j++) {
                assertEquals(0.0, l.get(i, j), "upper triangle");
            }
        }
        assertArrayEquals(new int[] {0, 0}, LinearSolvers.cholesky(Tensor.zeros(DType.FLOAT64, 0, 0)).shape());
    }

    @Test
    void choleskySolveAndLuSolveMatchTheNaiveSolution() {
        Tensor a = spd(2, N);
        Tensor b = NnChecks.randn(3, DType.FLOAT64, N, 3);
        double[] want = naiveSolve(a.toDoubleArray(), b.toDoubleArray(), N, 3);
        assertClose(LinearSolvers.choleskySolve(LinearSolvers.cholesky(a), NnChecks.nonContiguous(b)), want,
                1e-11, "cholesky solve");
        Tensor g = NnChecks.randn(4, DType.FLOAT64, N, N);
        double[] wantLu = naiveSolve(g.toDoubleArray(), b.toDoubleArray(), N, 3);
        assertClose(LinearSolvers.luSolve(NnChecks.nonContiguous(g), b), wantLu, 1e-11, "lu solve");
        Tensor v = b.select(1, 0);
        Tensor x = Backends.cpu().luSolve(g, v);
        assertArrayEquals(new int[] {N}, x.shape());
        assertClose(g.matmul(x), v.toDoubleArray(), 1e-11, "vector right-hand side");
        assertClose(Backends.cpu().choleskySolve(Backends.cpu().cholesky(a), v),
                naiveSolve(a.toDoubleArray(), v.toDoubleArray(), N, 1), 1e-11, "vector cholesky solve");
    }

    /**
     * Systems of hundreds of rows and thousands of right-hand sides: OpenBLAS's threaded dgesv
     * once overflowed the calling JVM thread's stack at n = 194, k = 64 and killed the process.
     */
    @Test
    void largeSystemsSolveWithoutCrashingTheJvm() {
        try (MemoryScope scope = MemoryScope.open()) {
            for (int[] nk : new int[][] {{194, 64}, {512, 2048}}) {
                Tensor a = spd(nk[0], nk[0]);
                Tensor b = NnChecks.randn(nk[1], DType.FLOAT64, nk[0], nk[1]);
                double scale = b.abs().max().item();
                Tensor lu = LinearSolvers.luSolve(a, b);
                assertTrue(a.matmul(lu).sub(b).abs().max().item() < 1e-10 * scale, "lu residual at n = " + nk[0]);
                Tensor ch = LinearSolvers.choleskySolve(LinearSolvers.cholesky(a), b);
                assertTrue(a.matmul(ch).sub(b).abs().max().item() < 1e-10 * scale, "cholesky residual at n = " + nk[0]);
            }
        }
    }

    @Test
    void failuresNameTheMinorOrPivot() {
        Tensor notSpd = Tensor.of(new double[] {4, 2, 0, 2, 1, 0, 0, 0, 3}, 3, 3); // second leading minor is 0
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LinearSolvers.cholesky(notSpd));
        assertTrue(e.getMessage().contains("order 2"), e.getMessage());
        Tensor singular = Tensor.of(new double[] {1, 2, 2, 4}, 2, 2);
        e = assertThrows(IllegalArgumentException.class, () -> LinearSolvers.luSolve(singular, Tensor.ones(DType.FLOAT64, 2)));
        assertTrue(e.getMessage().contains("singular"), e.getMessage());
    }

    @Test
    void shapesAndDtypesAreCheckedBeforeLapack() {
        assertThrows(IllegalArgumentException.class, () -> LinearSolvers.cholesky(Tensor.ones(DType.FLOAT32, 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> LinearSolvers.cholesky(Tensor.ones(DType.FLOAT64, 2, 3)));
        assertThrows(IllegalArgumentException.class, () -> LinearSolvers.cholesky(Tensor.ones(DType.FLOAT64, 2, 2, 2)));
        Tensor eye = Tensor.eye(3, DType.FLOAT64);
        assertThrows(IllegalArgumentException.class, () -> LinearSolvers.choleskySolve(eye, Tensor.ones(DType.FLOAT64, 4, 1)));
        assertThrows(IllegalArgumentException.class, () -> LinearSolvers.choleskySolve(eye, Tensor.ones(DType.FLOAT32, 3, 1)));
        assertThrows(IllegalArgumentException.class, () -> LinearSolvers.luSolve(eye, Tensor.ones(DType.FLOAT64, 3, 1, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> LinearSolvers.luSolve(Tensor.ones(DType.FLOAT64, 3, 2), Tensor.ones(DType.FLOAT64, 3)));
    }
}
