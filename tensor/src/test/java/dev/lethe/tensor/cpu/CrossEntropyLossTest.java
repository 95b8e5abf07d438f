package dev.lethe.tensor.cpu;

import static dev.lethe.tensor.cpu.NnChecks.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class CrossEntropyLossTest {

    /** mean_n[(1−ε)(−log p[n,t]) + ε·mean_c(−log p[n,c])] with a naive log-softmax. */
    private static double reference(double[] z, long[] t, int n, int c, double eps) {
        double total = 0;
        for (int i = 0; i < n; i++) {
            double lse = 0;
            for (int j = 0; j < c; j++) {
                lse += Math.exp(z[i * c + j]);
            }
            lse = Math.log(lse);
            double smooth = 0;
            for (int j = 0; j < c; j++) {
                smooth += -(z[i * c + j] - lse) / c;
            }
            total += (1 - eps) * -(z[i * c + (int) t[i]] - lse) + eps * smooth;
        }
        return total / n;
    }

    @Test
    void lossMatchesReferenceWithAndWithoutSmoothing() {
        int n = 7;
        int c = 5;
        Tensor targets = Tensor.randint(new Philox(2), 0, c, n);
        long[] t = targets.toLongArray();
        for (DType type : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor z = NnChecks.randn(1, type, n, c).mul(2.0);
            for (double eps : new double[] {0.0, 0.1, 1.0}) {
                double want = reference(z.toDoubleArray(), t, n, c, eps);
                Backend.CrossEntropy ce = CrossEntropyLoss.forward(z, targets, eps);
                assertEquals(0, ce.loss().rank());
                assertClose(new double[] {ce.loss().item()}, new double[] {want}, NnChecks.tol(type, false), type + " eps " + eps);
                Backend.CrossEntropy ce32 = CrossEntropyLoss.forward(NnChecks.nonContiguous(z), targets.to(DType.INT32), eps);
                assertClose(new double[] {ce32.loss().item()}, new double[] {want}, NnChecks.tol(type, false), "int32 targets");
            }
        }
    }

    @Test
    void gradientMatchesFiniteDifferencesAndFloat32() {
        int n = 4;
        int c = 6;
        Tensor targets = Tensor.randint(new Philox(3), 0, c, n);
        long[] t = targets.toLongArray();
        Tensor z = NnChecks.randn(4, DType.FLOAT64, n, c);
        for (double eps : new double[] {0.0, 0.2}) {
            double[] want = NnChecks.numericGrad(v -> 2.5 * reference(v.toDoubleArray(), t, n, c, eps), z);
            Tensor grad = CrossEntropyLoss.backward(2.5, CrossEntropyLoss.forward(z, targets, eps), targets, eps);
            assertClose(grad, want, NnChecks.FINITE_DIFF, "eps " + eps);
            Tensor z32 = z.to(DType.FLOAT32);
            Tensor g32 = CrossEntropyLoss.backward(2.5, CrossEntropyLoss.forward(z32, targets, eps), targets, eps);
            assertClose(g32, grad.toDoubleArray(), NnChecks.F32_BACKWARD, "float32 eps " + eps);
        }
    }

    /**
     * Rows [m, 0, 0, 0] with target 0: the other classes get q = e^−m / (1 + 3e^−m) each and the
     * target −3q. Computed as p_t − 1, the target's term rounds to 0 once p_t rounds to 1 (m ≳ 17
     * in float32, 37 in double) while the others keep theirs; every element must stay within
     * float32 round-off of the exact value up to m = 80, and a confident wrong prediction
     * (target 1) must still get p_t − 1 ≈ −1.
     */
    @Test
    void confidentSamplesKeepTheTrueClassGradient() {
        double[] margins = {5, 17, 20, 30, 37, 40, 60, 80};
        int c = 4;
        for (DType type : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double[] z = new double[margins.length * c];
            double[] want = new double[z.length];
            long[] t = new long[margins.length];
            for (int i = 0; i < margins.length; i++) {
                z[i * c] = margins[i];
                double q = Math.exp(-margins[i]) / (1 + 3 * Math.exp(-margins[i]));
                want[i * c] = -3 * q / margins.length;
                for (int j = 1; j < c; j++) {
                    want[i * c + j] = q / margins.length;
                }
            }
            Tensor targets = Tensor.of(t, t.length);
            Tensor logits = Tensor.fromDoubles(z, type, margins.length, c);
            double[] got = CrossEntropyLoss.backward(1.0, CrossEntropyLoss.forward(logits, targets, 0), targets, 0)
                    .toDoubleArray();
            for (int k = 0; k < z.length; k++) {
                double err = Math.abs(got[k] - want[k]) / Math.abs(want[k]);
                assertTrue(err < 1e-5, type + " margin " + margins[k / c] + " class " + k % c + ": got " + got[k]
                        + ", exact " + want[k]);
            }
            Tensor wrong = Tensor.of(new long[] {1}, 1);
            double[] g = CrossEntropyLoss.backward(1.0, CrossEntropyLoss.forward(Tensor.fromDoubles(
                    new double[] {80, 0, 0, 0}, type, 1, c), wrong, 0), wrong, 0).toDoubleArray();
            assertEquals(1.0, g[0], 1e-6, type + " confident wrong prediction, predicted class");
            assertEquals(-1.0, g[1], 1e-6, type + " confident wrong prediction, target");
        }
    }

    @Test
    void badTargetsAreNamed() {
        Tensor z = Tensor.zeros(DType.FLOAT32, 3, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropyLoss.forward(z, Tensor.of(new long[] {0, 4, 1}, 3), 0));
        assertTrue(e.getMessage().contains("target 4 at position 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CrossEntropyLoss.forward(z, Tensor.of(new long[] {0, 1, -1}, 3), 0));
        assertTrue(e.getMessage().contains("target -1 at position 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CrossEntropyLoss.forward(z, Tensor.of(new long[] {0, 1}, 2), 0));
        assertThrows(IllegalArgumentException.class, () -> CrossEntropyLoss.forward(z, Tensor.of(new float[] {0, 1, 2}, 3), 0));
        assertThrows(IllegalArgumentException.class, () -> CrossEntropyLoss.forward(z.view(12), Tensor.of(new long[] {0}, 1), 0));
        assertThrows(IllegalArgumentException.class, () -> CrossEntropyLoss.forward(z, Tensor.of(new long[] {0, 1, 2}, 3), 1.5));
        Backend.CrossEntropy ok = CrossEntropyLoss.forward(z, Tensor.of(new long[] {0, 1, 2}, 3), 0);
        assertThrows(IllegalArgumentException.class,
                () -> CrossEntropyLoss.backward(1, ok, Tensor.of(new long[] {0, 9, 2}, 3), 0));
    }
}
