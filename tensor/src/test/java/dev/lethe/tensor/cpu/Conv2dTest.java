package dev.lethe.tensor.cpu;

import static dev.lethe.tensor.cpu.NnChecks.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.Backends;
import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class Conv2dTest {
    private static final Conv2dSpec[] SPECS = {
        Conv2dSpec.of(1, 1, 1), Conv2dSpec.of(2, 1, 1), Conv2dSpec.of(1, 0, 2), new Conv2dSpec(2, 1, 0, 2, 1, 2),
        Conv2dSpec.of(3, 2, 1), Conv2dSpec.of(1, 0, 1)
    };
    private static final int[][] WEIGHTS = {{4, 3, 3, 3}, {5, 3, 1, 1}, {2, 3, 3, 2}};

    /** Direct convolution and its adjoints, all from one loop nest over (n, o, i, j, c, ki, kj). */
    private static final class Naive {
        final double[] y;
        final double[] dx;
        final double[] dw;

        Naive(double[] x, int[] xs, double[] w, int[] ws, double[] b, double[] g, Conv2dSpec s) {
            int n = xs[0], c = xs[1], h = xs[2], wd = xs[3];
            int o = ws[0], kh = ws[2], kw = ws[3];
            int oh = (h + 2 * s.padH() - s.dilationH() * (kh - 1) - 1) / s.strideH() + 1;
            int ow = (wd + 2 * s.padW() - s.dilationW() * (kw - 1) - 1) / s.strideW() + 1;
            y = new double[n * o * oh * ow];
            dx = new double[x.length];
            dw = new double[w.length];
            for (int a = 0; a < n; a++) {
                for (int f = 0; f < o; f++) {
                    for (int i = 0; i < oh; i++) {
                        for (int j = 0; j < ow; j++) {
                            int yi = ((a * o + f) * oh + i) * ow + j;
                            double acc = b == null ? 0 : b[f];
                            for (int ch = 0; ch < c; ch++) {
                                for (int ki = 0; ki < kh; ki++) {
                                    for (int kj = 0; kj < kw; kj++) {
                                        int r = i * s.strideH() + ki * s.dilationH() - s.padH();
                                        int q = j * s.strideW() + kj * s.dilationW() - s.padW();
                                        if (r < 0 || r >= h || q < 0 || q >= wd) {
                                            continue;
                                        }
                                        int xi = ((a * c + ch) * h + r) * wd + q;
                                        int wi = ((f * c + ch) * kh + ki) * kw + kj;
                                        acc += x[xi] * w[wi];
                                        if (g != null) {
                                            dx[xi] += g[yi] * w[wi];
                                            dw[wi] += g[yi] * x[xi];
                                        }
                                    }
                                }
                            }
                            y[yi] = acc;
                        }
                    }
                }
            }
        }
    }

    private static int[] outShape(int[] xs, int[] ws, Conv2dSpec s) {
        return new int[] {xs[0], ws[0], s.outH(xs[2], ws[2]), s.outW(xs[3], ws[3])};
    }

    @Test
    void allThreeKernelsMatchTheDirectLoops() {
        int[] xs = {3, 3, 7, 6};
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = NnChecks.randn(1, t, xs);
            for (int[] ws : WEIGHTS) {
                Tensor w = NnChecks.randn(2, t, ws);
                Tensor b = NnChecks.randn(3, t, ws[0]);
                for (Conv2dSpec s : SPECS) {
                    int[] ys = outShape(xs, ws, s);
                    Tensor g = NnChecks.randn(4, t, ys);
                    Naive want = new Naive(x.toDoubleArray(), xs, w.toDoubleArray(), ws, b.toDoubleArray(),
                            g.toDoubleArray(), s);
                    String what = t + " w " + java.util.Arrays.toString(ws) + " " + s;
                    // one group, groups of one sample, groups of two samples (the last one short)
                    long twoSamples = 2L * ws[1] * ws[2] * ws[3] * ys[2] * ys[3] * t.byteSize();
                    for (Conv2d.Lowering lowering : Conv2d.Lowering.values()) {
                        for (long budget : new long[] {ConvGeometry.COLS_BUDGET_BYTES, 1, twoSamples}) {
                            String how = what + " " + lowering + " budget " + budget;
                            assertClose(Conv2d.forward(NnChecks.nonContiguous(x), NnChecks.nonContiguous(w), b, s, budget,
                                    lowering), want.y, NnChecks.tol(t, false), "forward " + how);
                            assertClose(Conv2d.backwardData(NnChecks.nonContiguous(g), w, xs, s, budget, lowering),
                                    want.dx, NnChecks.tol(t, true), "backward data " + how);
                            assertClose(Conv2d.backwardWeight(g, NnChecks.nonContiguous(x), ws, s, budget, lowering),
                                    want.dw, NnChecks.tol(t, true), "backward weight " + how);
                        }
                    }
                    Naive noBias = new Naive(x.toDoubleArray(), xs, w.toDoubleArray(), ws, null, null, s);
                    assertClose(Backends.cpu().conv2d(x, w, null, s), noBias.y, NnChecks.tol(t, false), "no bias " + what);
                }
            }
        }
    }

    @Test
    void samplesInParallelMatchTheDirectLoops() {
        // At least SLICE_MIN_COLUMNS output positions, so the samples run one at a time, spread
        // over the threads (3 samples: uneven ranges): a 3x3 kernel, a pointwise 1x1 (columns used
        // in place) and a 1x1 stride-2 shortcut, with non-contiguous inputs for the last.
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int[] ws : new int[][] {{3, 2, 3, 3}, {4, 2, 1, 1}, {5, 2, 1, 1}}) {
                boolean strided = ws[0] == 5;
                int[] xs = {3, 2, strided ? 24 : 12, strided ? 24 : 12};
                Conv2dSpec s = ws[2] == 3 ? Conv2dSpec.of(1, 1, 1) : Conv2dSpec.of(strided ? 2 : 1, 0, 1);
                Tensor x = NnChecks.randn(11, t, xs);
                Tensor w = NnChecks.randn(12, t, ws);
                Tensor b = NnChecks.randn(13, t, ws[0]);
                int[] ys = outShape(xs, ws, s);
                assertTrue(ys[2] * ys[3] >= Conv2d.SLICE_MIN_COLUMNS);
                Tensor g = NnChecks.randn(14, t, ys);
                Naive want = new Naive(x.toDoubleArray(), xs, w.toDoubleArray(), ws, b.toDoubleArray(), g.toDoubleArray(), s);
                Tensor xi = strided ? NnChecks.nonContiguous(x) : x;
                Tensor gi = strided ? NnChecks.nonContiguous(g) : g;
                String what = t + " " + java.util.Arrays.toString(ws) + " " + s;
                Conv2d.Lowering im2col = Conv2d.Lowering.IM2COL;
                long budget = ConvGeometry.COLS_BUDGET_BYTES;
                assertClose(Conv2d.forward(xi, w, b, s, budget, im2col), want.y, NnChecks.tol(t, false), "forward " + what);
                assertClose(Conv2d.backwardData(gi, w, xs, s, budget, im2col), want.dx, NnChecks.tol(t, true),
                        "backward data " + what);
                assertClose(Conv2d.backwardWeight(gi, xi, ws, s, budget, im2col), want.dw, NnChecks.tol(t, true),
                        "backward weight " + what);
            }
        }
    }

    @Test
    void oneDnnIsLoadedSoFloat32ConvolutionsUseIt() {
        // Its natives come from Maven like OpenBLAS's; the im2col path stays the fallback.
        assertTrue(OneDnn.available(), OneDnn.unavailableReason());
        ConvGeometry threeByThree = ConvGeometry.of(new int[] {2, 3, 8, 8}, new int[] {4, 3, 3, 3}, Conv2dSpec.of(1, 1, 1), "t");
        assertTrue(OneDnnConv.supports(threeByThree, DType.FLOAT32));
        assertTrue(!OneDnnConv.supports(threeByThree, DType.FLOAT64), "float64 stays on OpenBLAS");
        ConvGeometry oneByOne = ConvGeometry.of(new int[] {2, 3, 8, 8}, new int[] {4, 3, 1, 1}, Conv2dSpec.of(2, 0, 1), "t");
        assertTrue(!OneDnnConv.supports(oneByOne, DType.FLOAT32), "1x1 stays a plain GEMM");
    }

    @Test
    void backwardsMatchFiniteDifferences() {
        int[] xs = {2, 2, 5, 4};
        int[] ws = {3, 2, 2, 3};
        Tensor x = NnChecks.randn(5, DType.FLOAT64, xs);
        Tensor w = NnChecks.randn(6, DType.FLOAT64, ws);
        for (Conv2dSpec s : new Conv2dSpec[] {Conv2dSpec.of(1, 1, 1), new Conv2dSpec(2, 1, 1, 2, 2, 1)}) {
            double[] gv = NnChecks.randn(7, DType.FLOAT64, outShape(xs, ws, s)).toDoubleArray();
            Tensor g = Tensor.of(gv, outShape(xs, ws, s));
            assertClose(Conv2d.backwardData(g, w, xs, s),
                    NnChecks.numericGrad(v -> NnChecks.dot(Conv2d.forward(v, w, null, s), gv), x), NnChecks.FINITE_DIFF,
                    "data " + s);
            assertClose(Conv2d.backwardWeight(g, x, ws, s),
                    NnChecks.numericGrad(v -> NnChecks.dot(Conv2d.forward(x, v, null, s), gv), w), NnChecks.FINITE_DIFF,
                    "weight " + s);
        }
    }

    @Test
    void emptyBatchGivesEmptyOutputAndZeroWeightGradient() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 0, 2, 5, 5);
        Tensor w = Tensor.ones(DType.FLOAT32, 3, 2, 3, 3);
        assertTrue(Conv2d.forward(x, w, null, Conv2dSpec.of(1, 1, 1)).numel() == 0);
        Tensor dw = Conv2d.backwardWeight(Tensor.zeros(DType.FLOAT32, 0, 3, 5, 5), x, new int[] {3, 2, 3, 3},
                Conv2dSpec.of(1, 1, 1));
        assertClose(dw, new double[dw.numel()], 0, "zero gradient");
    }

    @Test
    void badArgumentsAreNamed() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 3, 5, 5);
        Conv2dSpec s = Conv2dSpec.of(1, 0, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv2d.forward(x, Tensor.zeros(DType.FLOAT32, 4, 2, 3, 3), null, s));
        assertTrue(e.getMessage().contains("input channels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Conv2d.forward(x, Tensor.zeros(DType.FLOAT32, 4, 3, 7, 3), null, s));
        assertTrue(e.getMessage().contains("larger than the padded input"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.forward(x, Tensor.zeros(DType.FLOAT32, 4, 3, 3, 3), null, Conv2dSpec.of(1, 0, 3)));
        assertThrows(IllegalArgumentException.class, () -> Conv2d.forward(x, Tensor.zeros(DType.FLOAT64, 4, 3, 3, 3), null, s));
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.forward(x.view(3, 5, 5), Tensor.zeros(DType.FLOAT32, 4, 3, 3, 3), null, s));
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.forward(x, Tensor.zeros(DType.FLOAT32, 4, 3, 3, 3), Tensor.zeros(DType.FLOAT32, 3), s));
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.forward(x.to(DType.INT32), Tensor.zeros(DType.INT32, 4, 3, 3, 3), null, s));
        Tensor w = Tensor.zeros(DType.FLOAT32, 4, 3, 3, 3);
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.backwardData(Tensor.zeros(DType.FLOAT32, 1, 4, 4, 3), w, new int[] {1, 3, 5, 5}, s));
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.backwardData(Tensor.zeros(DType.FLOAT32, 1, 4, 3, 3), w, new int[] {1, 3, 5}, s));
        assertThrows(IllegalArgumentException.class,
                () -> Conv2d.backwardWeight(Tensor.zeros(DType.FLOAT32, 1, 4, 3, 3), x, new int[] {4, 2, 3, 3}, s));
    }
}
