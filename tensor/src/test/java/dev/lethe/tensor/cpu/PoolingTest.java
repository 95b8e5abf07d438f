package dev.lethe.tensor.cpu;

import static dev.lethe.tensor.cpu.NnChecks.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class PoolingTest {
    private static final int[] SHAPE = {2, 3, 7, 6};
    private static final Pool2dSpec[] SPECS = {
        Pool2dSpec.of(3, 2, 1), Pool2dSpec.of(2, 2, 0), Pool2dSpec.of(3, 1, 1), new Pool2dSpec(3, 2, 1, 2, 1, 1),
        new Pool2dSpec(7, 6, 3, 3, 0, 0)
    };

    /** Naive pooling: visits every window position and skips the padded ones. Returns {values, argmax}. */
    private static double[][] naivePool(double[] x, int[] s, Pool2dSpec p, boolean max) {
        int oh = (s[2] + 2 * p.padH() - p.kernelH()) / p.strideH() + 1;
        int ow = (s[3] + 2 * p.padW() - p.kernelW()) / p.strideW() + 1;
        int planes = s[0] * s[1];
        double[] y = new double[planes * oh * ow];
        double[] arg = new double[y.length];
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int bestAt = -1;
                    double sum = 0;
                    for (int a = 0; a < p.kernelH(); a++) {
                        for (int b = 0; b < p.kernelW(); b++) {
                            int r = i * p.strideH() - p.padH() + a;
                            int c = j * p.strideW() - p.padW() + b;
                            if (r < 0 || r >= s[2] || c < 0 || c >= s[3]) {
                                continue;
                            }
                            double v = x[(pl * s[2] + r) * s[3] + c];
                            sum += v;
                            if (bestAt < 0 || v > best) {
                                best = v;
                                bestAt = r * s[3] + c;
                            }
                        }
                    }
                    int o = (pl * oh + i) * ow + j;
                    y[o] = max ? best : sum / (p.kernelH() * p.kernelW());
                    arg[o] = bestAt;
                }
            }
        }
        return new double[][] {y, arg};
    }

    @Test
    void maxPoolMatchesReference() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = NnChecks.randn(1, t, SHAPE);
            for (Pool2dSpec p : SPECS) {
                double[][] want = naivePool(x.toDoubleArray(), SHAPE, p, true);
                Backend.Pooled got = MaxPool2d.forward(NnChecks.nonContiguous(x), p);
                assertClose(got.output(), want[0], 0, t + " " + p);
                assertArrayEquals(want[1], got.indices().toDoubleArray(), "indices " + p);
                // backward routes each gradient to its argmax
                Tensor g = NnChecks.randn(2, t, got.output().shape());
                double[] gv = g.toDoubleArray();
                double[] gin = new double[x.numel()];
                int plane = SHAPE[2] * SHAPE[3];
                int outPlane = got.output().size(2) * got.output().size(3);
                for (int o = 0; o < gv.length; o++) {
                    gin[(o / outPlane) * plane + (int) want[1][o]] += gv[o];
                }
                assertClose(MaxPool2d.backward(NnChecks.nonContiguous(g), got.indices(), SHAPE), gin,
                        NnChecks.tol(t, true), "backward " + p);
            }
        }
    }

    @Test
    void maxPoolTakesTheFirstOfEqualMaximaAndIgnoresPadding() {
        Tensor x = Tensor.full(-5, DType.FLOAT32, 1, 1, 4, 4);
        Backend.Pooled p = MaxPool2d.forward(x, Pool2dSpec.of(3, 2, 1));
        assertArrayEquals(new float[] {-5, -5, -5, -5}, p.output().toFloatArray());
        assertArrayEquals(new long[] {0, 1, 4, 5}, p.indices().toLongArray());
    }

    @Test
    void avgPoolMatchesReference() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = NnChecks.randn(3, t, SHAPE);
            for (Pool2dSpec p : SPECS) {
                double[] want = naivePool(x.toDoubleArray(), SHAPE, p, false)[0];
                assertClose(AvgPool2d.forward(NnChecks.nonContiguous(x), p), want, NnChecks.tol(t, false), t + " " + p);
            }
        }
    }

    @Test
    void poolingBackwardsMatchFiniteDifferences() {
        int[] shape = {1, 2, 5, 4};
        Tensor x = NnChecks.randn(4, DType.FLOAT64, shape);
        for (Pool2dSpec p : SPECS) {
            if (p.kernelH() > 5) {
                continue;
            }
            Tensor y = AvgPool2d.forward(x, p);
            double[] w = NnChecks.randn(5, DType.FLOAT64, y.shape()).toDoubleArray();
            Tensor g = Tensor.of(w, y.shape());
            assertClose(AvgPool2d.backward(g, shape, p),
                    NnChecks.numericGrad(v -> NnChecks.dot(AvgPool2d.forward(v, p), w), x), NnChecks.FINITE_DIFF, "avg " + p);
            Backend.Pooled m = MaxPool2d.forward(x, p);
            assertClose(MaxPool2d.backward(g, m.indices(), shape),
                    NnChecks.numericGrad(v -> NnChecks.dot(MaxPool2d.forward(v, p).output(), w), x),
                    NnChecks.FINITE_DIFF, "max " + p);
        }
        for (int[] out : new int[][] {{2, 3}, {5, 4}, {3, 1}, {1, 1}}) {
            Tensor y = AdaptiveAvgPool2d.forward(x, out[0], out[1]);
            double[] w = NnChecks.randn(6, DType.FLOAT64, y.shape()).toDoubleArray();
            assertClose(AdaptiveAvgPool2d.backward(Tensor.of(w, y.shape()), shape),
                    NnChecks.numericGrad(v -> NnChecks.dot(AdaptiveAvgPool2d.forward(v, out[0], out[1]), w), x),
                    NnChecks.FINITE_DIFF, "adaptive " + out[0] + "x" + out[1]);
        }
    }

    @Test
    void adaptiveAvgPoolMatchesPyTorchWindows() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = NnChecks.randn(7, t, SHAPE);
            double[] xv = x.toDoubleArray();
            for (int[] out : new int[][] {{3, 4}, {1, 1}, {7, 6}, {4, 5}, {9, 2}}) {
                int oh = out[0];
                int ow = out[1];
                double[] want = new double[6 * oh * ow];
                for (int pl = 0; pl < 6; pl++) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            int hs = (int) Math.floor(i * 7.0 / oh);
                            int he = (int) Math.ceil((i + 1) * 7.0 / oh);
                            int ws = (int) Math.floor(j * 6.0 / ow);
                            int we = (int) Math.ceil((j + 1) * 6.0 / ow);
                            double sum = 0;
                            for (int r = hs; r < he; r++) {
                                for (int c = ws; c < we; c++) {
                                    sum += xv[(pl * 7 + r) * 6 + c];
                                }
                            }
                            want[(pl * oh + i) * ow + j] = sum / ((he - hs) * (we - ws));
                        }
                    }
                }
                Tensor got = AdaptiveAvgPool2d.forward(NnChecks.nonContiguous(x), oh, ow);
                assertClose(got, want, NnChecks.tol(t, false), t + " " + oh + "x" + ow);
                Tensor g32 = AdaptiveAvgPool2d.backward(Tensor.ones(t, 2, 3, oh, ow), SHAPE);
                Tensor g64 = AdaptiveAvgPool2d.backward(Tensor.ones(DType.FLOAT64, 2, 3, oh, ow), SHAPE);
                assertClose(g32, g64.toDoubleArray(), NnChecks.tol(t, true), "backward " + t);
            }
        }
    }

    @Test
    void badArguments() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 1, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> MaxPool2d.forward(x, Pool2dSpec.of(5, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> AvgPool2d.forward(x, Pool2dSpec.of(3, 1, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> MaxPool2d.forward(Tensor.zeros(DType.FLOAT32, 2, 2, 2), Pool2dSpec.of(1, 1, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> MaxPool2d.forward(Tensor.zeros(DType.INT64, 1, 1, 2, 2), Pool2dSpec.of(1, 1, 0)));
        assertThrows(IllegalArgumentException.class, () -> AdaptiveAvgPool2d.forward(x, 0, 1));
        Backend.Pooled p = MaxPool2d.forward(x, Pool2dSpec.of(2, 2, 0));
        Tensor g = Tensor.ones(DType.FLOAT32, 1, 1, 1, 1);
        assertThrows(IndexOutOfBoundsException.class,
                () -> MaxPool2d.backward(g, Tensor.of(new long[] {4}, 1, 1, 1, 1), new int[] {1, 1, 2, 2}));
        assertThrows(IllegalArgumentException.class,
                () -> MaxPool2d.backward(g, p.indices().to(DType.INT32), new int[] {1, 1, 2, 2}));
        assertThrows(IllegalArgumentException.class, () -> MaxPool2d.backward(g, p.indices(), new int[] {2, 1, 2, 2}));
        assertThrows(IllegalArgumentException.class, () -> AvgPool2d.backward(g, new int[] {1, 1, 4, 4}, Pool2dSpec.of(2, 2, 0)));
        assertThrows(IllegalArgumentException.class, () -> AdaptiveAvgPool2d.backward(g, new int[] {1, 1, 2}));
    }
}
