package dev.lethe.autograd;

import static dev.lethe.autograd.Inputs.CHECK;
import static dev.lethe.autograd.Inputs.awayFromZero;
import static dev.lethe.autograd.Inputs.param;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Gradient checks of the neural-network rules and of small composed networks. */
class NnGradTest {

    private static Tensor labels(long... values) {
        return Tensor.of(values, values.length);
    }

    @Test
    void conv2dPlain() {
        CHECK.check(in -> in[0].conv2d(in[1], in[2], Conv2dSpec.of(1, 0, 1)),
                param(1, 2, 3, 5, 5), param(2, 4, 3, 3, 3), param(3, 4));
    }

    @Test
    void conv2dStridePaddingDilation() {
        CHECK.check(in -> in[0].conv2d(in[1], in[2], new Conv2dSpec(2, 1, 1, 2, 1, 2)),
                param(4, 2, 2, 7, 6), param(5, 3, 2, 3, 2), param(6, 3));
        CHECK.check(in -> in[0].conv2d(in[1], null, Conv2dSpec.of(2, 1, 2)),
                param(7, 1, 3, 8, 8), param(8, 2, 3, 3, 3));
    }

    @Test
    void conv2dPatchEmbeddingOnANonContiguousInput() {
        // stride = kernel, as in a ViT patch embedding; input is a permuted view
        Variable x = Variable.parameter(Tensor.randn(new Philox(9), DType.FLOAT64, 2, 4, 4, 3).permute(0, 3, 1, 2));
        CHECK.check(in -> in[0].conv2d(in[1], in[2], Conv2dSpec.of(2, 0, 1)), x, param(10, 5, 3, 2, 2), param(11, 5));
    }

    @Test
    void conv2dChecksShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> param(12, 1, 3, 5, 5).conv2d(param(13, 4, 2, 3, 3), null, Conv2dSpec.of(1, 0, 1)));
        assertTrue(e.getMessage().contains("[4, 2, 3, 3]") && e.getMessage().contains("[1, 3, 5, 5]"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> param(14, 1, 3, 2, 2).conv2d(param(15, 4, 3, 3, 3), null, Conv2dSpec.of(1, 0, 1)));
        assertThrows(IllegalArgumentException.class,
                () -> param(16, 1, 3, 5, 5).conv2d(param(17, 4, 3, 3, 3), param(18, 3), Conv2dSpec.of(1, 0, 1)));
    }

    @Test
    void maxPoolWithPadding() {
        // Normal draws: no two elements of a window within 2·eps of each other (no ties).
        CHECK.check(in -> in[0].maxPool2d(Pool2dSpec.of(3, 2, 1)), param(19, 2, 2, 7, 7));
        CHECK.check(in -> in[0].maxPool2d(new Pool2dSpec(2, 3, 2, 1, 1, 0)), param(20, 1, 2, 5, 6));
    }

    @Test
    void avgPoolWithPadding() {
        CHECK.check(in -> in[0].avgPool2d(Pool2dSpec.of(3, 2, 1)), param(21, 2, 2, 7, 7));
        CHECK.check(in -> in[0].avgPool2d(new Pool2dSpec(2, 3, 1, 2, 1, 1)), param(22, 1, 2, 5, 6));
    }

    @Test
    void adaptiveAvgPool() {
        CHECK.check(in -> in[0].adaptiveAvgPool2d(3, 2), param(23, 2, 2, 5, 7));
        CHECK.check(in -> in[0].adaptiveAvgPool2d(1, 1), param(24, 2, 3, 4, 4));
    }

    @Test
    void batchNormTraining() {
        Tensor rm = Tensor.zeros(DType.FLOAT64, 3);
        Tensor rv = Tensor.ones(DType.FLOAT64, 3);
        CHECK.check(in -> in[0].batchNorm(in[1], in[2], rm, rv, true, 0.1, 1e-5),
                param(25, 4, 3, 2, 2), param(26, 3), param(27, 3));
        CHECK.check(in -> in[0].batchNorm(null, null, null, null, true, 0.1, 1e-5), param(28, 5, 3));
    }

    @Test
    void batchNormEvaluation() {
        Tensor rm = Tensor.of(new double[] {0.1, -0.2, 0.3}, 3);
        Tensor rv = Tensor.of(new double[] {0.5, 1.5, 2.0}, 3);
        CHECK.check(in -> in[0].batchNorm(in[1], in[2], rm, rv, false, 0.1, 1e-5),
                param(29, 4, 3, 2, 2), param(30, 3), param(31, 3));
        assertArrayEquals(new double[] {0.1, -0.2, 0.3}, rm.toDoubleArray(), "evaluation leaves running stats alone");
    }

    @Test
    void batchNormUpdatesRunningStatisticsInTraining() {
        Tensor rm = Tensor.zeros(DType.FLOAT64, 1);
        Tensor rv = Tensor.ones(DType.FLOAT64, 1);
        Variable x = Variable.parameter(Tensor.of(new double[] {1, 2, 3, 6}, 4, 1));
        x.batchNorm(null, null, rm, rv, true, 0.1, 1e-5);
        assertEquals(0.1 * 3, rm.item(), 1e-12);
        assertEquals(0.9 + 0.1 * 14.0 / 3, rv.item(), 1e-12); // unbiased batch variance 14/3
        assertThrows(IllegalArgumentException.class,
                () -> param(32, 1, 3).batchNorm(null, null, null, null, true, 0.1, 1e-5));
    }

    @Test
    void layerNorm() {
        CHECK.check(in -> in[0].layerNorm(1, in[1], in[2], 1e-6), param(33, 2, 3, 5), param(34, 5), param(35, 5));
        CHECK.check(in -> in[0].layerNorm(2, in[1], in[2], 1e-5), param(36, 2, 3, 4), param(37, 3, 4), param(38, 3, 4));
        CHECK.check(in -> in[0].layerNorm(1, null, null, 1e-6), param(39, 4, 6));
        assertThrows(IllegalArgumentException.class, () -> param(40, 2, 5).layerNorm(1, param(41, 4), null, 1e-6));
    }

    @Test
    void softmaxAndLogSoftmax() {
        CHECK.check(in -> in[0].softmax(-1), param(42, 3, 5));
        CHECK.check(in -> in[0].softmax(0), param(43, 4, 2, 3));
        CHECK.check(in -> in[0].logSoftmax(1), param(44, 3, 5));
        CHECK.check(in -> in[0].t().logSoftmax(-1), param(45, 5, 3)); // non-contiguous input
    }

    @Test
    void crossEntropyWithAndWithoutLabelSmoothing() {
        Tensor t = labels(2, 0, 4);
        CHECK.check(in -> in[0].crossEntropy(t, 0.0), param(46, 3, 5));
        CHECK.check(in -> in[0].crossEntropy(t, 0.1), param(47, 3, 5));
        CHECK.check(in -> in[0].mul(2).crossEntropy(t, 0.25).mul(3), param(48, 3, 5));
    }

    @Test
    void crossEntropyMatchesItsDefinition() {
        Variable z = param(49, 2, 3);
        double eps = 0.1;
        double loss = z.crossEntropy(labels(1, 2), eps).item();
        double[] v = z.value().toDoubleArray();
        double expect = 0;
        long[] t = {1, 2};
        for (int n = 0; n < 2; n++) {
            double lse = Math.log(Math.exp(v[3 * n]) + Math.exp(v[3 * n + 1]) + Math.exp(v[3 * n + 2]));
            double sumLogP = 0;
            for (int c = 0; c < 3; c++) {
                sumLogP += v[3 * n + c] - lse;
            }
            expect += -((1 - eps) * (v[3 * n + (int) t[n]] - lse) + eps / 3 * sumLogP);
        }
        assertEquals(expect / 2, loss, 1e-12);
    }

    /**
     * A float32 sample classified with margin 40 (p_t rounds to 1): the true class must get
     * −Σ_{c≠t} p_c, not p_t − 1 = 0, with label smoothing 0 and 0.1 (where it is ε(1 − 1/C) − Σ_{c≠t} p_c).
     */
    @Test
    void crossEntropyKeepsTheGradientOfConfidentSamples() {
        for (double eps : new double[] {0.0, 0.1}) {
            Variable z = Variable.parameter(Tensor.of(new float[] {40f, 0f, 0f}, 1, 3));
            z.crossEntropy(labels(0), eps).backward();
            double[] g = z.grad().toDoubleArray();
            double q = Math.exp(-40) / (1 + 2 * Math.exp(-40));
            double other = q - eps / 3;
            double target = -2 * q + eps * 2 / 3;
            // float32 round-off of the stored value, and 1e-5 of the small term
            assertEquals(other, g[1], Math.abs(other) * 1e-6 + q * 1e-5, "eps " + eps + " other class");
            assertEquals(target, g[0], Math.abs(target) * 1e-6 + 2 * q * 1e-5, "eps " + eps + " true class");
            if (eps == 0) {
                assertTrue(g[0] < 0, "the true class's gradient must not round to 0, got " + g[0]);
            }
        }
    }

    @Test
    void crossEntropyChecksTargets() {
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> param(50, 2, 3).crossEntropy(labels(1, 3), 0.0));
        assertTrue(e.getMessage().contains("[0, 3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> param(51, 2, 3).crossEntropy(labels(1, 2, 0), 0.0));
        assertThrows(IllegalArgumentException.class,
                () -> param(52, 2, 3).crossEntropy(Tensor.of(new int[] {1, 2}, 2), 0.0));
    }

    @Test
    void dropoutWithAFixedSeed() {
        // a fresh generator per evaluation: every pass draws the same mask
        CHECK.check(in -> in[0].dropout(0.4, true, new Philox(77)), param(53, 4, 6));
        Variable x = Variable.parameter(Tensor.ones(DType.FLOAT64, 1000));
        Variable y = x.dropout(0.25, true, new Philox(78));
        y.sum().backward();
        double[] out = y.value().toDoubleArray();
        double[] grad = x.grad().toDoubleArray();
        int kept = 0;
        for (int i = 0; i < out.length; i++) {
            assertTrue(out[i] == 0 || Math.abs(out[i] - 1 / 0.75) < 1e-15, "mask values are 0 or 1/(1-p)");
            assertEquals(out[i], grad[i], "the gradient is the mask");
            kept += out[i] == 0 ? 0 : 1;
        }
        assertTrue(kept > 700 && kept < 800, "about 75% kept: " + kept);
        assertArrayEquals(new double[1000], Variable.parameter(Tensor.ones(DType.FLOAT64, 1000))
                .dropout(1.0, true, null).value().toDoubleArray());
    }

    @Test
    void indexSelectAndGatherAccumulateRepeatedIndices() {
        Tensor idx = labels(2, 0, 2, 1);
        CHECK.check(in -> in[0].indexSelect(0, idx), param(54, 3, 4));
        CHECK.check(in -> in[0].indexSelect(1, idx).exp(), param(55, 2, 3));
        Tensor gidx = Tensor.of(new long[] {0, 2, 2, 1, 1, 1}, 2, 3);
        CHECK.check(in -> in[0].gather(1, gidx), param(56, 2, 4));
        Variable x = param(57, 3);
        x.indexSelect(0, idx).sum().backward();
        assertArrayEquals(new double[] {1, 1, 2}, x.grad().toDoubleArray());
    }

    @Test
    void attentionChain() {
        // scores = q·kᵀ·d^-0.5, softmax over keys, ·v: the ViT attention core on [B·H, N, d]
        double scale = Math.pow(4, -0.5);
        CHECK.check(in -> in[0].bmm(in[1].transpose(1, 2)).mul(scale).softmax(-1).bmm(in[2]),
                param(58, 2, 3, 4), param(59, 2, 3, 4), param(60, 2, 3, 4));
    }

    @Test
    void multiHeadAttentionBlockOnTimmLayout() {
        // qkv = x·Wᵀ + b reshaped (B, N, 3, H, D/H) and permuted, as timm's Attention
        int b = 2;
        int n = 3;
        int d = 4;
        int h = 2;
        CHECK.check(in -> {
            Variable x = in[0].layerNorm(1, in[3], in[4], 1e-6);
            Variable qkv = x.matmul(in[1].t()).add(in[2]).reshape(b, n, 3, h, d / h).permute(2, 0, 3, 1, 4);
            Variable q = qkv.select(0, 0);
            Variable k = qkv.select(0, 1);
            Variable v = qkv.select(0, 2);
            Variable attn = q.matmul(k.transpose(-2, -1)).mul(Math.pow(d / h, -0.5)).softmax(-1);
            return attn.matmul(v).transpose(1, 2).reshape(b, n, d).gelu();
        }, param(61, b, n, d), param(62, 3 * d, d), param(63, 3 * d), param(64, d), param(65, d));
    }

    @Test
    void twoLayerMlp() {
        Tensor t = labels(1, 0, 2, 1, 2);
        Variable x = Variable.constant(Tensor.randn(new Philox(66), DType.FLOAT64, 5, 4));
        Variable w1 = param(67, 6, 4);
        Variable b1 = param(68, 6);
        // ReLU kinks: every hidden pre-activation must lie far outside ±eps of 0 for this check.
        double nearest = x.value().matmul(w1.value().t()).add(b1.value()).abs().min().item();
        assertTrue(nearest > 1e-3, "a pre-activation lies " + nearest + " from the ReLU kink");
        CHECK.check(in -> in[0].matmul(in[1].t()).add(in[2]).relu().matmul(in[3].t()).add(in[4]).crossEntropy(t, 0.0),
                x, w1, b1, param(69, 3, 6), param(70, 3));
    }

    @Test
    void smallConvNet() {
        Tensor rm = Tensor.zeros(DType.FLOAT64, 3);
        Tensor rv = Tensor.ones(DType.FLOAT64, 3);
        Tensor t = labels(1, 0);
        CHECK.check(in -> in[0].conv2d(in[1], null, Conv2dSpec.of(1, 1, 1))
                        .batchNorm(in[2], in[3], rm, rv, true, 0.1, 1e-5)
                        .tanh().avgPool2d(Pool2dSpec.of(2, 2, 0)).adaptiveAvgPool2d(1, 1).flatten(1, -1)
                        .matmul(in[4].t()).crossEntropy(t, 0.1),
                param(71, 2, 2, 4, 4), param(72, 3, 2, 3, 3), param(73, 3), param(74, 3), param(75, 2, 3));
    }

    @Test
    void reluNetStaysAwayFromKinks() {
        CHECK.check(in -> in[0].relu().maxPool2d(Pool2dSpec.of(2, 2, 0)), awayFromZero(76, 0.1, 1, 2, 4, 4));
    }
}
