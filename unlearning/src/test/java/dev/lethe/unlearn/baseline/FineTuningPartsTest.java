package dev.lethe.unlearn.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.autograd.Variable;
import dev.lethe.data.Dataset;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configurable parts of the fine-tuning loop: random other labels, the ℓ1 subgradient, sampled passes. */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class FineTuningPartsTest {

    @Test
    void randomLabelsNeverKeepTheTrueClassAndCoverTheOthersUniformly() {
        Dataset data = TinyProblem.blobs(4000, 11);
        int[] labels = new RandomOtherLabels(4).labels(data, new Philox(5));
        int[][] counts = new int[4][4];
        for (int i = 0; i < labels.length; i++) {
            assertNotEquals(data.label(i), labels[i], "sample " + i + " kept its label");
            assertTrue(labels[i] >= 0 && labels[i] < 4);
            counts[data.label(i)][labels[i]]++;
        }
        for (int y = 0; y < 4; y++) {
            int total = Arrays.stream(counts[y]).sum();
            for (int z = 0; z < 4; z++) {
                if (z != y) {
                    // each of the 3 other classes gets a third; 6 standard deviations of slack
                    double expected = total / 3.0;
                    double sd = Math.sqrt(total * (1 / 3.0) * (2 / 3.0));
                    assertTrue(Math.abs(counts[y][z] - expected) < 6 * sd, "class " + y + " -> " + z + ": "
                            + counts[y][z] + " of " + total);
                }
            }
        }
        assertArrayEquals(labels, new RandomOtherLabels(4).labels(data, new Philox(5)), "a pure function of the generator");
        assertFalse(Arrays.equals(labels, new RandomOtherLabels(4).labels(data, new Philox(6))));
        assertThrows(IllegalArgumentException.class, () -> new RandomOtherLabels(1));
        assertThrows(IllegalArgumentException.class, () -> new RandomOtherLabels(3).labels(data, new Philox(1)),
                "a label the model cannot predict");
    }

    @Test
    void l1WeightDecaysLinearlyPerEpoch() {
        L1Penalty p = new L1Penalty(5e-4, 4);
        assertEquals(5e-4, p.weight(0));
        assertEquals(5e-4 * 0.75, p.weight(1), 1e-18);
        assertEquals(5e-4 * 0.25, p.weight(3), 1e-18);
        assertThrows(IllegalArgumentException.class, () -> p.weight(4));
        assertThrows(IllegalArgumentException.class, () -> new L1Penalty(-1, 4));
    }

    /**
     * The subgradient added to the gradient is what autograd gives for γ_e·Σ|θ| (sign(θ), 0 at
     * 0, the convention of PyTorch's |x|), bit for bit, so weights at exactly 0 get no push.
     */
    @Test
    void l1SubgradientIsGammaTimesSignAndZeroAtZero() {
        try (MemoryScope scope = MemoryScope.open()) {
            float[] w = {0.5f, -0.25f, 0f, -0f, 3e-8f, -2f};
            float[] g = {0.1f, 0.1f, 0.1f, -0.2f, 0f, 1f};
            L1Penalty penalty = new L1Penalty(1e-3, 10);
            int epoch = 3;
            double gammaE = penalty.weight(epoch);

            Variable direct = Variable.parameter(Tensor.of(w, 2, 3));
            Variable viaAutograd = Variable.parameter(Tensor.of(w, 2, 3));
            Variable.constant(Tensor.of(g, 2, 3)).mul(direct).sum().backward(); // grad = g
            penalty.addSubgradient(List.of(direct), epoch);

            Variable.constant(Tensor.of(g, 2, 3)).mul(viaAutograd).sum()
                    .add(viaAutograd.abs().sum().mul(gammaE)).backward();
            assertArrayEquals(viaAutograd.grad().toFloatArray(), direct.grad().toFloatArray());
            float[] got = direct.grad().toFloatArray();
            assertEquals(0.1f, got[2], "zero weight: no ℓ1 push");
            assertEquals(-0.2f, got[3], "negative zero weight: no ℓ1 push");
            assertEquals(0.1f + (float) gammaE, got[0]);
            assertEquals(0.1f - (float) gammaE, got[1]);
        }
    }

    @Test
    void sampledPassDrawsAFreshSubsetPerSeed() {
        Dataset data = TinyProblem.blobs(100, 2);
        DataPass pass = DataPass.descending("retain", data).sampled(0.3);
        assertEquals(30, pass.samplesPerEpoch());
        Dataset a = pass.samples(1);
        Dataset b = pass.samples(2);
        assertEquals(30, a.size());
        assertArrayEquals(pixels(a), pixels(pass.samples(1)), "a pure function of the seed");
        assertFalse(Arrays.equals(pixels(a), pixels(b)), "two seeds, two samples");
        assertEquals(data, DataPass.descending("all", data).samples(1), "a full pass is the data itself");
        assertEquals(1, DataPass.descending("one", data).sampled(0.001).samplesPerEpoch(), "at least one sample");
        assertThrows(IllegalArgumentException.class, () -> pass.sampled(0));
        assertThrows(IllegalArgumentException.class, () -> new DataPass("x", data, 1, LabelTransform.TRUE, 2));
    }

    private static float[] pixels(Dataset d) {
        float[] out = new float[d.size() * d.imageSize()];
        for (int i = 0; i < d.size(); i++) {
            d.readImage(i, out, i * d.imageSize());
        }
        return out;
    }
}
