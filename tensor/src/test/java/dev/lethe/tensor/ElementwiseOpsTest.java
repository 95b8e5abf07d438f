package dev.lethe.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ElementwiseOpsTest {

    /** erf at points tabulated in Abramowitz & Stegun, Table 7.1 (to 1e-15 where given). */
    @Test
    void erfMatchesTabulatedValues() {
        assertEquals(0.0, UnaryOp.ERF.at(0.0), 0);
        assertEquals(0.1124629160182849, UnaryOp.ERF.at(0.1), 1e-15);
        assertEquals(0.5204998778130465, UnaryOp.ERF.at(0.5), 1e-15);
        assertEquals(0.8427007929497149, UnaryOp.ERF.at(1.0), 1e-15);
        assertEquals(0.9953222650189527, UnaryOp.ERF.at(2.0), 1e-15);
        assertEquals(0.9999779095030014, UnaryOp.ERF.at(3.0), 1e-15);
        assertEquals(-0.9999999845827421, UnaryOp.ERF.at(-4.0), 1e-15);
        assertEquals(1.0, UnaryOp.ERF.at(7.0), 0);
        // continuity across the switch between series and continued fraction
        assertEquals(Erf.reference(2.5 - 1e-12), Erf.reference(2.5), 1e-14);
    }

    /** The tabulated Taylor expansion agrees with the series everywhere, value and derivative. */
    @Test
    void tabulatedErfMatchesTheSeriesAndItsDerivative() {
        double worst = 0;
        double worstDerivative = 0;
        for (double x = -7; x <= 7; x += 0.000731) {
            double want = Erf.reference(x);
            worst = Math.max(worst, Math.abs(Erf.erf(x) - want) / Math.max(Math.abs(want), 1e-300));
            double dWant = 2 / Math.sqrt(Math.PI) * Math.exp(-x * x);
            worstDerivative = Math.max(worstDerivative, Math.abs(Erf.derivative(x) - dWant));
        }
        assertTrue(worst < 4e-15, "worst relative error of erf " + worst);
        assertTrue(worstDerivative < 4e-15, "worst absolute error of erf' " + worstDerivative);
        assertEquals(1e-10 * 2 / Math.sqrt(Math.PI), Erf.erf(1e-10), 1e-25, "tiny arguments keep their relative accuracy");
    }

    @Test
    void geluGradIsTheDerivativeOfGelu() {
        for (double x = -5; x <= 5; x += 0.37) {
            double h = 1e-6;
            double numeric = (UnaryOp.GELU.at(x + h) - UnaryOp.GELU.at(x - h)) / (2 * h);
            assertEquals(numeric, UnaryOp.GELU_GRAD.at(x), 1e-9, "x = " + x);
        }
    }

    @Test
    void float32GeluUsesARationalErfWithinItsStatedBound() {
        // FloatErf's bound is 4e-7 absolute (tools/numerics/fit_float_erf.py); the grid is
        // dense (step 1e-4) over the whole range where erf is not yet 1 in float32, and beyond.
        double worst = 0;
        for (double x = -7; x <= 7; x += 1e-4) {
            worst = Math.max(worst, Math.abs(FloatErf.erf((float) x) - Erf.reference((float) x)));
        }
        assertTrue(worst <= 4e-7, "worst |erf error| " + worst);
        assertEquals(1f, FloatErf.erf(Float.POSITIVE_INFINITY), 2e-7);
        assertEquals(-1f, FloatErf.erf(-1e30f), 2e-7);
        assertTrue(Float.isNaN(FloatErf.erf(Float.NaN)));
        assertEquals(0f, FloatErf.erf(0f));

        float[] x = new float[1001];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i - 500) / 60f;
        }
        float[] fine = new float[200001];
        float[] fineGrad = new float[fine.length];
        for (int i = 0; i < fine.length; i++) {
            fine[i] = (i - 100000) / 10000f;
        }
        UnaryOp.GELU_GRAD.apply(fine, fineGrad, fine.length);
        double worstGrad = 0;
        for (int i = 0; i < fine.length; i++) {
            worstGrad = Math.max(worstGrad, Math.abs(fineGrad[i] - UnaryOp.GELU_GRAD.at(fine[i])));
        }
        assertTrue(worstGrad <= 4e-7, "worst |gelu' error| " + worstGrad); // 3.0e-7 measured
        float[] y = new float[x.length];
        float[] dy = new float[x.length];
        UnaryOp.GELU.apply(x, y, x.length);
        UnaryOp.GELU_GRAD.apply(x, dy, x.length);
        for (int i = 0; i < x.length; i++) {
            // |Δ gelu| ≤ |x|/2 · 4e-7 plus float rounding
            assertEquals(UnaryOp.GELU.at(x[i]), y[i], 2e-7 * Math.abs(x[i]) + 2e-7, "gelu(" + x[i] + ")");
        }
        UnaryOp.GELU_GRAD.apply(x, x, x.length); // in place: each x[i] is read before it is written
        assertArrayEquals(dy, x);
    }

    @Test
    void everyUnaryOpAgreesWithScalarMathOnStridedInput() {
        Philox rng = new Philox(3);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 5, 7).transpose(0, 1); // non-contiguous
        double[] v = x.toDoubleArray();
        for (UnaryOp op : UnaryOp.values()) {
            double[] got = x.map(op).toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                assertEquals(op.at(v[i]), got[i], 0, op + " at " + v[i]);
            }
        }
        assertEquals(Math.exp(v[3]), x.exp().toDoubleArray()[3], 0);
        assertEquals(Math.tanh(v[4]), x.tanh().toDoubleArray()[4], 0);
    }

    @Test
    void gatePassesTheGradientOnlyWhereTheInputIsPositive() {
        float[] b = {1f, -1f, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NaN, Float.MAX_VALUE, -Float.MAX_VALUE};
        float[] a = new float[b.length];
        java.util.Arrays.fill(a, 3f);
        float[] want = new float[b.length];
        for (int i = 0; i < b.length; i++) {
            want[i] = b[i] > 0 ? 3f : 0f;
        }
        Tensor ta = Tensor.of(a, a.length);
        Tensor tb = Tensor.of(b, b.length);
        assertArrayEquals(want, ta.zip(BinaryOp.GATE, tb).toFloatArray());
        double[] wantD = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            wantD[i] = want[i];
        }
        assertArrayEquals(wantD, ta.to(DType.FLOAT64).zip(BinaryOp.GATE, tb.to(DType.FLOAT64)).toDoubleArray());
    }

    @Test
    void accumulatingOpsAddSquaresAndMagnitudesInPlace() {
        float[] b = {-3f, 0.5f, 0f, -0f, 2f};
        Tensor acc = Tensor.of(new float[] {1f, 1f, 1f, 1f, 1f}, 5);
        acc.zip_(BinaryOp.ADD_SQUARE, Tensor.of(b, 5)).zip_(BinaryOp.ADD_ABS, Tensor.of(b, 5));
        assertArrayEquals(new float[] {13f, 1.75f, 1f, 1f, 7f}, acc.toFloatArray());
        Tensor accD = Tensor.of(new double[] {1, 1, 1, 1, 1}, 5);
        accD.zip_(BinaryOp.ADD_SQUARE, Tensor.of(b, 5).to(DType.FLOAT64));
        assertArrayEquals(new double[] {10, 1.25, 1, 1, 5}, accD.toDoubleArray());
    }

    @Test
    void reluKeepsNaNLikePyTorch() {
        Tensor x = Tensor.of(new float[] {Float.NaN, -1, 2}, 3);
        assertArrayEquals(new float[] {Float.NaN, 0, 2}, x.relu().toFloatArray());
        assertArrayEquals(new double[] {Double.NaN, 0, 2}, x.to(DType.FLOAT64).relu().toDoubleArray());
    }

    @Test
    void float32ResultsAreRoundedOnce() {
        Tensor a = Tensor.of(new float[] {0.1f, 1e-8f, 3f}, 3);
        Tensor b = Tensor.of(new float[] {0.2f, 1f, 7f}, 3);
        assertArrayEquals(new float[] {0.1f + 0.2f, 1e-8f + 1f, 3f + 7f}, a.add(b).toFloatArray());
        assertArrayEquals(new float[] {0.1f / 0.2f, 1e-8f / 1f, 3f / 7f}, a.div(b).toFloatArray());
    }

    @Test
    void typePromotionFollowsPyTorch() {
        Tensor i = Tensor.of(new int[] {1, 2, 3}, 3);
        Tensor l = Tensor.of(new long[] {10, 20, 30}, 3);
        Tensor f = Tensor.of(new float[] {0.5f, 0.5f, 0.5f}, 3);
        assertEquals(DType.INT64, i.add(l).dtype());
        assertEquals(DType.FLOAT32, l.mul(f).dtype());
        assertArrayEquals(new float[] {5, 10, 15}, l.mul(f).toFloatArray());
        assertEquals(DType.FLOAT32, i.div(Tensor.of(new int[] {2, 2, 2}, 3)).dtype(), "true division");
        assertArrayEquals(new float[] {0.5f, 1f, 1.5f}, i.div(Tensor.of(new int[] {2, 2, 2}, 3)).toFloatArray());
        assertArrayEquals(new long[] {1L << 40, 3}, Tensor.of(new long[] {1L << 40, 3}, 2).copy().toLongArray());
    }

    @Test
    void comparisonsAndWhere() {
        Tensor a = Tensor.of(new float[] {1, 5, 3}, 3);
        Tensor b = Tensor.of(new float[] {2, 2, 3}, 3);
        assertArrayEquals(new float[] {0, 1, 0}, a.gt(b).toFloatArray());
        assertArrayEquals(new float[] {1, 0, 1}, a.le(b).toFloatArray());
        assertArrayEquals(new float[] {0, 0, 1}, a.eq(b).toFloatArray());
        assertArrayEquals(new float[] {2, 5, 3}, Tensor.where(a.gt(b), a, b).toFloatArray());
        Tensor cond = Tensor.of(new int[] {1, 0}, 2, 1);
        assertArrayEquals(new float[] {1, 5, 3, 2, 2, 3}, Tensor.where(cond, a, b).toFloatArray(), "broadcast where");
    }

    @Test
    void inPlaceOpsWriteThroughViews() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 3, 4);
        x.narrow(1, 1, 2).add_(Tensor.of(new float[] {1, 2}, 2));
        assertArrayEquals(new float[] {0, 1, 2, 0, 0, 1, 2, 0, 0, 1, 2, 0}, x.toFloatArray());
        x.mul_(2.0);
        assertEquals(4.0, x.get(2, 2));
        assertThrows(IllegalArgumentException.class, () -> x.narrow(1, 0, 1).add_(Tensor.zeros(DType.FLOAT32, 3, 4)));
    }

    @Test
    void largeElementwiseRunsInParallelAndIsExact() {
        int n = (1 << 20) + 17;
        Tensor a = Tensor.arange(0, n, 1, DType.FLOAT32);
        float[] r = a.mul(2.0).add(1.0).toFloatArray();
        for (int i = 0; i < n; i += 9973) {
            assertEquals(2f * i + 1f, r[i]);
        }
        assertEquals(2f * (n - 1) + 1f, r[n - 1]);
    }

    @Test
    void meanVarAndNormMatchTwoPassDoubles() {
        Philox rng = new Philox(11);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 4, 6, 5);
        double[] v = x.toDoubleArray();
        double mean = 0;
        for (double d : v) {
            mean += d;
        }
        mean /= v.length;
        double ss = 0;
        for (double d : v) {
            ss += (d - mean) * (d - mean);
        }
        assertEquals(mean, x.mean().item(), 1e-14);
        assertEquals(ss / (v.length - 1), x.var(null, 1, false).item(), 1e-13);
        assertEquals(ss / v.length, x.var(null, 0, false).item(), 1e-13);
        double sq = 0;
        for (double d : v) {
            sq += d * d;
        }
        assertEquals(Math.sqrt(sq), x.norm().item(), 1e-12);
        // variance over axis 1 of a permuted view
        Tensor p = x.permute(2, 0, 1);
        Tensor var = p.var(new int[] {2}, 1, false);
        assertArrayEquals(new int[] {5, 4}, var.shape());
        double m = 0;
        for (int j = 0; j < 6; j++) {
            m += x.get(3, j, 2);
        }
        m /= 6;
        double s = 0;
        for (int j = 0; j < 6; j++) {
            s += Math.pow(x.get(3, j, 2) - m, 2);
        }
        assertEquals(s / 5, var.get(2, 3), 1e-13);
    }

    @Test
    void toStringShowsShapeDtypeAndLeadingValues() {
        Tensor x = Tensor.arange(0, 10, 1, DType.FLOAT32).view(2, 5);
        assertEquals("Tensor[2, 5] float32 [0.000, 1.000, 2.000, 3.000, 4.000, 5.000, ...]", x.toString());
        assertEquals("Tensor[2] int64 [7, 8]", Tensor.of(new long[] {7, 8}, 2).toString());
        Tensor y = Tensor.ones(DType.FLOAT32, 2);
        y.close();
        assertTrue(y.toString().endsWith("(freed)"));
    }
}
