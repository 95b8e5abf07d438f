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
