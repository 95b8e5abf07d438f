package dev.lethe.tensor.cpu;

import static dev.lethe.tensor.cpu.NnChecks.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.Backends;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class SoftmaxTest {

    /** Plain two-pass softmax in double along axis of a contiguous [outer, len, inner] array. */
    private static double[] reference(double[] x, int[] shape, int axis, boolean log) {
        int len = shape[axis];
        int inner = 1;
        for (int i = axis + 1; i < shape.length; i++) {
            inner *= shape[i];
        }
        int outer = x.length / (len * inner);
        double[] y = new double[x.length];
        for (int o = 0; o < outer; o++) {
            for (int in = 0; in < inner; in++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < len; k++) {
                    max = Math.max(max, x[(o * len + k) * inner + in]);
                }
                double sum = 0;
                for (int k = 0; k < len; k++) {
                    sum += Math.exp(x[(o * len + k) * inner + in] - max);
                }
                for (int k = 0; k < len; k++) {
                    int i = (o * len + k) * inner + in;
                    y[i] = log ? x[i] - max - Math.log(sum) : Math.exp(x[i] - max) / sum;
                }
            }
        }
        return y;
    }

    @Test
    void forwardMatchesReferenceOnEveryAxisAndLayout() {
        int[] shape = {3, 5, 4};
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = NnChecks.randn(11, t, shape).mul(3.0);
            double[] xv = x.toDoubleArray();
            for (int axis = 0; axis < 3; axis++) {
                for (boolean log : new boolean[] {false, true}) {
                    double[] want = reference(xv, shape, axis, log);
                    String what = t + " axis " + axis + (log ? " log" : "");
                    assertClose(Softmax.forward(x, axis, log), want, NnChecks.tol(t, false), what);
                    assertClose(Softmax.forward(NnChecks.nonContiguous(x), axis, log), want,
                            NnChecks.tol(t, false), what + " non-contiguous");
                }
            }
        }
    }

    @Test
    void largeLogitsDoNotOverflow() {
        Tensor x = Tensor.of(new float[] {1000, 1001, 1002, -1000}, 1, 4);
        double[] y = x.softmax(1).toDoubleArray();
        double[] ly = x.logSoftmax(1).toDoubleArray();
        for (int i = 0; i < 4; i++) {
            assertTrue(Double.isFinite(y[i]) && Double.isFinite(ly[i]));
        }
        assertClose(y, reference(new double[] {1000, 1001, 1002, -1000}, new int[] {1, 4}, 1, false), 1e-6, "softmax");
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        int[] shape = {2, 4, 3};
        Tensor x = NnChecks.randn(3, DType.FLOAT64, shape);
        double[] w = NnChecks.randn(4, DType.FLOAT64, shape).toDoubleArray();
        Tensor g = Tensor.of(w, shape);
        for (int axis = 0; axis < 3; axis++) {
            for (boolean log : new boolean[] {false, true}) {
                int ax = axis;
                Tensor y = Softmax.forward(x, axis, log);
                double[] want = NnChecks.numericGrad(v -> NnChecks.dot(Softmax.forward(v, ax, log), w), x);
                assertClose(Softmax.backward(g, y, axis, log), want, NnChecks.FINITE_DIFF, "axis " + axis + " log " + log);
                assertClose(Softmax.backward(NnChecks.nonContiguous(g), NnChecks.nonContiguous(y), axis, log), want,
                        NnChecks.FINITE_DIFF, "non-contiguous axis " + axis);
            }
        }
    }

    @Test
    void float32BackwardMatchesFloat64() {
        int[] shape = {6, 10};
        Tensor x64 = NnChecks.randn(5, DType.FLOAT64, shape);
        Tensor g64 = NnChecks.randn(6, DType.FLOAT64, shape);
        for (boolean log : new boolean[] {false, true}) {
            double[] want = Softmax.backward(g64, Softmax.forward(x64, 1, log), 1, log).toDoubleArray();
            Tensor x32 = x64.to(DType.FLOAT32);
            Tensor got = Softmax.backward(g64.to(DType.FLOAT32), Softmax.forward(x32, 1, log), 1, log);
            assertClose(got, want, NnChecks.F32_BACKWARD, "float32 log " + log);
        }
    }

    @Test
    void routedThroughTheBackendAndChecksArguments() {
        Tensor x = Tensor.of(new float[] {0, 0}, 2);
        assertArrayEquals(new float[] {0.5f, 0.5f}, Backends.cpu().softmax(x, -1, false).toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> Softmax.forward(Tensor.of(new int[] {1, 2}, 2), 0, false));
        assertThrows(IllegalArgumentException.class, () -> Softmax.forward(x, 1, false));
        Tensor y = x.softmax(0);
        assertThrows(IllegalArgumentException.class, () -> Softmax.backward(Tensor.zeros(DType.FLOAT32, 3), y, 0, false));
        assertThrows(IllegalArgumentException.class, () -> Softmax.backward(Tensor.zeros(DType.FLOAT64, 2), y, 0, false));
    }
}
