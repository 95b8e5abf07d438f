package dev.lethe.tensor.cpu;

import static dev.lethe.tensor.cpu.NnChecks.assertClose;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class NormalizationTest {

    /** Per-channel two-pass statistics of a dense [N, C, S] array: {mean, biased var}. */
    private static double[][] channelStats(double[] x, int n, int c, int s) {
        double[] mean = new double[c];
        double[] var = new double[c];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < s; k++) {
                    mean[ch] += x[(i * c + ch) * s + k];
                }
            }
            mean[ch] /= n * s;
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < s; k++) {
                    double d = x[(i * c + ch) * s + k] - mean[ch];
                    var[ch] += d * d;
                }
            }
            var[ch] /= n * s;
        }
        return new double[][] {mean, var};
    }

    private static double[] normalize(double[] x, int n, int c, int s, double[] mean, double[] var, double[] g, double[] b,
                                      double eps) {
        double[] y = new double[x.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int k = 0; k < s; k++) {
                    int at = (i * c + ch) * s + k;
                    y[at] = (x[at] - mean[ch]) / Math.sqrt(var[ch] + eps) * (g == null ? 1 : g[ch]) + (b == null ? 0 : b[ch]);
                }
            }
        }
        return y;
    }

    @Test
    void batchNormTrainingAndEvaluationMatchReference() {
        double eps = 1e-5;
        double momentum = 0.1;
        for (int[] shape : new int[][] {{6, 4}, {3, 4, 5, 3}}) {
            int n = shape[0];
            int c = shape[1];
            int s = shape.length == 4 ? shape[2] * shape[3] : 1;
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                Tensor x = NnChecks.randn(1, t, shape).mul(2.0).add(0.5);
                Tensor w = NnChecks.randn(2, t, c);
                Tensor b = NnChecks.randn(3, t, c);
                double[] xv = x.toDoubleArray();
                double[][] st = channelStats(xv, n, c, s);
                double[] want = normalize(xv, n, c, s, st[0], st[1], w.toDoubleArray(), b.toDoubleArray(), eps);
                Tensor rm = Tensor.full(0.3, t, c);
                Tensor rv = Tensor.full(2.0, t, c);
                Backend.Normalized y = BatchNorm.forward(NnChecks.nonContiguous(x), w, b, rm, rv, true, momentum, eps);
                double tol = NnChecks.tol(t, false);
                assertClose(y.output(), want, tol, "train " + t);
                assertClose(y.mean(), st[0], tol, "mean");
                double[] is = new double[c];
                double[] wantRm = new double[c];
                double[] wantRv = new double[c];
                for (int ch = 0; ch < c; ch++) {
                    is[ch] = 1 / Math.sqrt(st[1][ch] + eps);
                    wantRm[ch] = 0.9 * 0.3 + 0.1 * st[0][ch];
                    wantRv[ch] = 0.9 * 2.0 + 0.1 * st[1][ch] * n * s / (n * s - 1);
                }
                assertClose(y.invStd(), is, tol, "invStd");
                assertClose(rm, wantRm, tol, "running mean");
                assertClose(rv, wantRv, tol, "running var (unbiased)");
                // evaluation uses (and leaves) the running statistics
                double[] evalWant = normalize(xv, n, c, s, wantRm, wantRv, w.toDoubleArray(), null, eps);
                assertClose(BatchNorm.forward(x, w, null, rm, rv, false, momentum, eps).output(), evalWant, tol, "eval");
                assertClose(rm, wantRm, tol, "eval leaves running mean");
                // no affine part, no running statistics
                assertClose(BatchNorm.forward(x, null, null, null, null, true, momentum, eps).output(),
                        normalize(xv, n, c, s, st[0], st[1], null, null, eps), tol, "plain");
            }
        }
    }

    @Test
    void batchNormBackwardMatchesFiniteDifferences() {
        double eps = 1e-5;
        for (int[] shape : new int[][] {{5, 3}, {2, 3, 2, 3}}) {
            int c = shape[1];
            Tensor x = NnChecks.randn(4, DType.FLOAT64, shape);
            Tensor w = NnChecks.randn(5, DType.FLOAT64, c);
            Tensor b = NnChecks.randn(6, DType.FLOAT64, c);
            Tensor rm = NnChecks.randn(7, DType.FLOAT64, c);
            Tensor rv = Tensor.full(1.5, DType.FLOAT64, c);
            double[] gv = NnChecks.randn(8, DType.FLOAT64, shape).toDoubleArray();
            Tensor g = Tensor.of(gv, shape);
            for (boolean training : new boolean[] {true, false}) {
                Tensor rmUse = training ? null : rm;
                Tensor rvUse = training ? null : rv;
                Backend.Normalized fwd = BatchNorm.forward(x, w, b, rmUse, rvUse, training, 0.1, eps);
                Backend.NormGrads grads = BatchNorm.backward(NnChecks.nonContiguous(g), x, w, fwd, training);
                String mode = training ? "train" : "eval";
                assertClose(grads.input(), NnChecks.numericGrad(
                        v -> NnChecks.dot(BatchNorm.forward(v, w, b, rmUse, rvUse, training, 0.1, eps).output(), gv), x),
                        NnChecks.FINITE_DIFF, mode + " input " + shape.length);
                assertClose(grads.weight(), NnChecks.numericGrad(
                        v -> NnChecks.dot(BatchNorm.forward(x, v, b, rmUse, rvUse, training, 0.1, eps).output(), gv), w),
                        NnChecks.FINITE_DIFF, mode + " weight");
                assertClose(grads.bias(), NnChecks.numericGrad(
                        v -> NnChecks.dot(BatchNorm.forward(x, w, v, rmUse, rvUse, training, 0.1, eps).output(), gv), b),
                        NnChecks.FINITE_DIFF, mode + " bias");
                // float32 against float64
                Tensor x32 = x.to(DType.FLOAT32);
                Tensor w32 = w.to(DType.FLOAT32);
                Backend.Normalized f32 = BatchNorm.forward(x32, w32, b.to(DType.FLOAT32),
                        training ? null : rm.to(DType.FLOAT32), training ? null : rv.to(DType.FLOAT32), training, 0.1, eps);
                Backend.NormGrads g32 = BatchNorm.backward(g.to(DType.FLOAT32), x32, w32, f32, training);
                assertClose(g32.input(), grads.input().toDoubleArray(), NnChecks.F32_BACKWARD, mode + " float32 input");
                assertClose(g32.weight(), grads.weight().toDoubleArray(), NnChecks.F32_BACKWARD, mode + " float32 weight");
            }
        }
        Tensor x = NnChecks.randn(9, DType.FLOAT64, 4, 2);
        Backend.NormGrads plain = BatchNorm.backward(Tensor.ones(DType.FLOAT64, 4, 2), x, null,
                BatchNorm.forward(x, null, null, null, null, true, 0.1, eps), true);
        assertNull(plain.weight());
        assertTrue(plain.input().abs().max().item() < 1e-12, "a constant gradient vanishes through the batch mean");
    }

    @Test
    void layerNormMatchesReferenceAndFiniteDifferences() {
        double eps = 1e-5;
        int[] shape = {3, 4, 5};
        for (int normDims : new int[] {1, 2}) {
            int d = normDims == 1 ? 5 : 20;
            int[] pshape = normDims == 1 ? new int[] {5} : new int[] {4, 5};
            Tensor x64 = NnChecks.randn(1, DType.FLOAT64, shape).mul(3.0).add(1.0);
            Tensor w64 = NnChecks.randn(2, DType.FLOAT64, pshape);
            Tensor b64 = NnChecks.randn(3, DType.FLOAT64, pshape);
            double[] xv = x64.toDoubleArray();
            double[] wv = w64.toDoubleArray();
            double[] bv = b64.toDoubleArray();
            double[] want = new double[xv.length];
            for (int r = 0; r < xv.length / d; r++) {
                double mu = 0;
                for (int i = 0; i < d; i++) {
                    mu += xv[r * d + i] / d;
                }
                double var = 0;
                for (int i = 0; i < d; i++) {
                    var += (xv[r * d + i] - mu) * (xv[r * d + i] - mu) / d;
                }
                for (int i = 0; i < d; i++) {
                    want[r * d + i] = (xv[r * d + i] - mu) / Math.sqrt(var + eps) * wv[i] + bv[i];
                }
            }
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                Backend.Normalized y = LayerNorm.forward(NnChecks.nonContiguous(x64.to(t)), normDims, w64.to(t), b64.to(t), eps);
                assertClose(y.output(), want, NnChecks.tol(t, false), t + " normDims " + normDims);
            }
            double[] gv = NnChecks.randn(4, DType.FLOAT64, shape).toDoubleArray();
            Tensor g = Tensor.of(gv, shape);
            Backend.NormGrads grads = LayerNorm.backward(NnChecks.nonContiguous(g), x64, normDims, w64,
                    LayerNorm.forward(x64, normDims, w64, b64, eps));
            assertClose(grads.input(), NnChecks.numericGrad(
                    v -> NnChecks.dot(LayerNorm.forward(v, normDims, w64, b64, eps).output(), gv), x64),
                    NnChecks.FINITE_DIFF, "input");
            assertClose(grads.weight(), NnChecks.numericGrad(
                    v -> NnChecks.dot(LayerNorm.forward(x64, normDims, v, b64, eps).output(), gv), w64),
                    NnChecks.FINITE_DIFF, "weight");
            assertClose(grads.bias(), NnChecks.numericGrad(
                    v -> NnChecks.dot(LayerNorm.forward(x64, normDims, w64, v, eps).output(), gv), b64),
                    NnChecks.FINITE_DIFF, "bias");
            Tensor x32 = x64.to(DType.FLOAT32);
            Backend.NormGrads g32 = LayerNorm.backward(g.to(DType.FLOAT32), x32, normDims, w64.to(DType.FLOAT32),
                    LayerNorm.forward(x32, normDims, w64.to(DType.FLOAT32), null, eps));
            assertClose(g32.input(), grads.input().toDoubleArray(), NnChecks.F32_BACKWARD, "float32 input");
            assertClose(g32.weight(), grads.weight().toDoubleArray(), NnChecks.F32_BACKWARD, "float32 weight");
            Backend.NormGrads plain = LayerNorm.backward(g, x64, normDims, null, LayerNorm.forward(x64, normDims, null, null, eps));
            assertNull(plain.weight());
            assertNull(plain.bias());
        }
    }

    @Test
    void badArguments() {
        Tensor one = Tensor.ones(DType.FLOAT32, 1, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BatchNorm.forward(one, null, null, null, null, true, 0.1, 1e-5));
        assertTrue(e.getMessage().contains("more than 1 value per channel"), e.getMessage());
        BatchNorm.forward(one, null, null, Tensor.zeros(DType.FLOAT32, 3), Tensor.ones(DType.FLOAT32, 3), false, 0.1, 1e-5);
        Tensor x = Tensor.ones(DType.FLOAT32, 4, 3);
        assertThrows(IllegalArgumentException.class,
                () -> BatchNorm.forward(x, Tensor.ones(DType.FLOAT32, 4), null, null, null, true, 0.1, 1e-5));
        assertThrows(IllegalArgumentException.class,
                () -> BatchNorm.forward(Tensor.ones(DType.FLOAT32, 4), null, null, null, null, true, 0.1, 1e-5));
        assertThrows(IllegalArgumentException.class,
                () -> BatchNorm.forward(Tensor.ones(DType.INT32, 4, 3), null, null, null, null, true, 0.1, 1e-5));
        Backend.Normalized f = BatchNorm.forward(x, null, null, null, null, true, 0.1, 1e-5);
        assertThrows(IllegalArgumentException.class, () -> BatchNorm.backward(Tensor.ones(DType.FLOAT32, 4, 2), x, null, f, true));
        assertThrows(IllegalArgumentException.class, () -> LayerNorm.forward(x, 3, null, null, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> LayerNorm.forward(x, 1, Tensor.ones(DType.FLOAT32, 4), null, 1e-5));
        Backend.Normalized lf = LayerNorm.forward(x, 1, null, null, 1e-5);
        assertThrows(IllegalArgumentException.class, () -> LayerNorm.backward(x, x, 2, null, lf));
    }
}
