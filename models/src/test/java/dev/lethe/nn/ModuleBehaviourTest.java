package dev.lethe.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Modes, determinism of initialisation, init statistics, summaries and BatchNorm bookkeeping. */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class ModuleBehaviourTest {

    @Test
    void trainAndEvalReachEveryDescendant() {
        Module m = ModelSpec.of("vit", Map.of("embed_dim", 12, "depth", 2, "num_heads", 2, "dropout", 0.1))
                .build(new Philox(1));
        assertTrue(m.namedModules().values().stream().allMatch(Module::isTraining));
        m.eval();
        assertTrue(m.namedModules().values().stream().noneMatch(Module::isTraining));
        m.train();
        assertTrue(m.namedModules().values().stream().allMatch(Module::isTraining));
    }

    @Test
    void dropoutActsInTrainingOnlyAndFollowsItsSeed() {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor x = Tensor.ones(DType.FLOAT32, 4, 8, 8);
            float[] a = new Mlp(64, List.of(64), 10, 0.5, new Philox(9)).forward(x).value().toFloatArray();
            float[] b = new Mlp(64, List.of(64), 10, 0.5, new Philox(9)).forward(x).value().toFloatArray();
            assertArrayEquals(a, b, "same seed, same masks");
            Mlp m = new Mlp(64, List.of(64), 10, 0.5, new Philox(9));
            m.eval();
            float[] e1 = m.forward(x).value().toFloatArray();
            float[] e2 = m.forward(x).value().toFloatArray();
            assertArrayEquals(e1, e2, "evaluation is deterministic");
            assertFalse(java.util.Arrays.equals(a, e1), "training drops units");
        }
    }

    @Test
    void sameSeedGivesBitIdenticalModelsAndAnotherSeedDoesNot() {
        for (String arch : ModelSpec.ARCHITECTURES) {
            try (MemoryScope scope = MemoryScope.open()) {
                ModelSpec spec = arch.equals("vit") ? ModelSpec.of("vit", Map.of("depth", 1)) : ModelSpec.of(arch);
                Map<String, Tensor> a = spec.build(new Philox(42)).stateDict();
                Map<String, Tensor> b = spec.build(new Philox(42)).stateDict();
                Map<String, Tensor> c = spec.build(new Philox(43)).stateDict();
                boolean anyDifferent = false;
                for (String k : a.keySet()) {
                    assertArrayEquals(a.get(k).toDoubleArray(), b.get(k).toDoubleArray(), arch + " " + k);
                    anyDifferent |= !java.util.Arrays.equals(a.get(k).toDoubleArray(), c.get(k).toDoubleArray());
                }
                assertTrue(anyDifferent, arch + ": another seed gives another model");
            }
        }
    }

    /** Empirical moments of each init against its distribution (loose: sampling error only). */
    @Test
    void initialisationsHaveTheirDistributions() {
        try (MemoryScope scope = MemoryScope.open()) {
            Module r = ModelSpec.of("resnet18").build(new Philox(7));
            Map<String, Tensor> s = r.stateDict();
            // kaiming normal, fan_out, ReLU gain: std = sqrt(2 / (out·k·k)) = sqrt(2 / (256·9))
            assertEquals(Math.sqrt(2.0 / (256 * 9)), std(s.get("layer3.1.conv1.weight")), 0.01 * Math.sqrt(2.0 / 2304));
            // fc: U(±1/√512), std = 1/√(3·512)
            assertEquals(1 / Math.sqrt(3 * 512), std(s.get("fc.weight")), 0.05 / Math.sqrt(3 * 512));
            assertEquals(1.0, s.get("layer1.0.bn1.weight").mean().item());
            assertEquals(0.0, s.get("layer1.0.bn1.bias").abs().max().item());
            assertTrue(s.get("fc.bias").abs().max().item() <= 1 / Math.sqrt(512));

            Module v = ModelSpec.of("vit", Map.of("depth", 1)).build(new Philox(7));
            Map<String, Tensor> t = v.stateDict();
            assertEquals(0.02, std(t.get("blocks.0.mlp.fc1.weight")), 0.0005);
            assertEquals(0.02, std(t.get("pos_embed")), 0.001);
            assertTrue(t.get("blocks.0.mlp.fc1.weight").abs().max().item() <= 2.0);
            assertEquals(0.0, t.get("blocks.0.attn.qkv.bias").abs().max().item());
            assertTrue(t.get("cls_token").abs().max().item() < 1e-5);
            assertEquals(1e-6, std(t.get("cls_token")), 3e-7);
            // patch_embed.proj: PyTorch's Conv2d default, U(±1/√(C·p·p)) = U(±1/4)
            double bound = 1.0 / Math.sqrt(16);
            assertTrue(t.get("patch_embed.proj.weight").abs().max().item() <= bound);
            assertEquals(bound / Math.sqrt(3), std(t.get("patch_embed.proj.weight")), 0.1 * bound);
            assertEquals(1.0, t.get("norm.weight").mean().item());
        }
    }

    private static double std(Tensor t) {
        double[] v = t.toDoubleArray();
        double sum = 0;
        double sq = 0;
        for (double x : v) {
            sum += x;
            sq += x * x;
        }
        double mean = sum / v.length;
        return Math.sqrt(sq / v.length - mean * mean);
    }

    @Test
    void truncatedNormalStaysInsideItsBounds() {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor t = Init.truncatedNormal(new Philox(3), 1.0, -0.5, 1.0, 10_000);
            assertTrue(t.min().item() >= -0.5 && t.max().item() <= 1.0);
            // mean of N(0,1) truncated to [a, b]: (φ(a) − φ(b)) / (Φ(b) − Φ(a)) = 0.2066 for [-0.5, 1];
            // the sample mean of 10,000 draws has a standard error of about 0.004
            assertEquals(0.2066, t.mean().item(), 0.016);
        }
    }

    @Test
    void batchNormCountsTrainingBatchesAndUpdatesRunningStatsOnlyThen() {
        try (MemoryScope scope = MemoryScope.open()) {
            BatchNorm2d bn = new BatchNorm2d(3);
            Tensor x = Tensor.randn(new Philox(1), DType.FLOAT32, 4, 3, 5, 5).add(2.0);
            bn.eval();
            bn.forward(x);
            assertEquals(0.0, bn.numBatchesTracked().item());
            assertEquals(0.0, bn.runningMean().abs().max().item());
            bn.train();
            bn.forward(x);
            bn.forward(x);
            assertEquals(2.0, bn.numBatchesTracked().item());
            // two momentum-0.1 steps toward a batch mean near 2: 0.19 · mean
            double batchMean = x.mean(new int[] {0, 2, 3}, false).toDoubleArray()[0];
            assertEquals(0.19 * batchMean, bn.runningMean().toDoubleArray()[0], 1e-5);

            BatchNorm2d.updateRunningStats(bn, false);
            float[] before = bn.runningMean().toFloatArray();
            bn.forward(x);
            assertArrayEquals(before, bn.runningMean().toFloatArray());
            assertEquals(2.0, bn.numBatchesTracked().item());
        }
    }

    @Test
    void batchNormRejectsOneValuePerChannelInTraining() {
        try (MemoryScope scope = MemoryScope.open()) {
            BatchNorm2d bn = new BatchNorm2d(2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> bn.forward(Tensor.ones(DType.FLOAT32, 1, 2, 1, 1)));
            assertTrue(e.getMessage().contains("more than 1 value per channel"), e.getMessage());
            bn.eval();
            bn.forward(Tensor.ones(DType.FLOAT32, 1, 2, 1, 1));
        }
    }

    @Test
    void summaryListsEveryParameterAndTheTotal() {
        Module m = new Mlp(784, List.of(32, 16), 10, 0, new Philox(1));
        String s = m.summary();
        assertTrue(s.startsWith("Mlp\n"), s);
        assertTrue(s.contains("fc1.weight   [32, 784]  25,088"), s);
        assertTrue(s.contains("head.bias    [10]           10"), s);
        assertTrue(s.contains("total parameters: 25,818 (trainable 25,818)"), s);
        m.namedParameters().get("fc1.weight").requiresGrad(false);
        assertTrue(m.summary().contains("fc1.weight (frozen)"), m.summary());
        assertTrue(m.summary().contains("(trainable 730)"), m.summary());
        assertEquals("Mlp(25,818 parameters)", m.toString());
        assertNotEquals(0, ModelSpec.of("resnet18").build(new Philox(1)).summary().lines().count());
    }

    @Test
    void inputErrorsNameBothValues() {
        try (MemoryScope scope = MemoryScope.open()) {
            Module mlp = ModelSpec.of("mlp").build(new Philox(1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> mlp.forward(Tensor.zeros(DType.FLOAT32, 2, 3, 28, 28)));
            assertTrue(e.getMessage().contains("in_features = 784") && e.getMessage().contains("2352"),
                    e.getMessage());

            Module resnet = ModelSpec.of("resnet18").build(new Philox(1));
            e = assertThrows(IllegalArgumentException.class,
                    () -> resnet.forward(Tensor.zeros(DType.FLOAT32, 2, 3, 8, 8)));
            assertTrue(e.getMessage().contains("[N, 1, H, W]") && e.getMessage().contains("[2, 3, 8, 8]"),
                    e.getMessage());

            Module vit = ModelSpec.of("vit", Map.of("depth", 1)).build(new Philox(1));
            e = assertThrows(IllegalArgumentException.class,
                    () -> vit.forward(Tensor.zeros(DType.FLOAT32, 2, 1, 32, 32)));
            assertTrue(e.getMessage().contains("image_size 28") && e.getMessage().contains("[2, 1, 32, 32]"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> vit.forward(Tensor.zeros(DType.FLOAT32, 2, 3, 28, 28)));
            assertTrue(e.getMessage().contains("[N, 1, 28, 28]"), e.getMessage());
        }
    }

    @Test
    void vitConfigErrorsNameTheValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSpec.of("vit", Map.of("image_size", 30, "patch_size", 4)));
        assertEquals("image_size 30 is not divisible by patch_size 4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.of("vit", Map.of("embed_dim", 100)));
        assertEquals("embed_dim 100 is not divisible by num_heads 3", e.getMessage());
    }

    @Test
    void attentionIsPermutationEquivariantOverTokens() {
        try (MemoryScope scope = MemoryScope.open()) {
            MultiheadSelfAttention attn = new MultiheadSelfAttention(8, 2, true, new Philox(4));
            Tensor x = Tensor.randn(new Philox(5), DType.FLOAT32, 2, 5, 8);
            Tensor perm = Tensor.of(new long[] {4, 2, 0, 1, 3}, 5);
            Variable a = attn.forward(x).indexSelect(1, perm);
            Variable b = attn.forward(x.indexSelect(1, perm));
            assertEquals(0.0, a.value().sub(b.value()).abs().max().item(), 1e-6);
        }
    }
}
