package dev.lethe.unlearn.ssd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.autograd.Variable;
import dev.lethe.data.Dataset;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.train.Progress;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.InvalidHyperparameterException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The importance pass: its settings, its invariances, and what it leaves behind in the model. */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class ImportanceEstimatorTest {
    private static final ImportanceEstimator.Loss CE = ImportanceEstimator.Loss.CE;
    private static final ImportanceEstimator.Estimator BATCH = ImportanceEstimator.Estimator.BATCH;
    private static final ImportanceEstimator.Estimator SAMPLE = ImportanceEstimator.Estimator.SAMPLE;

    @Test
    void readsItsSettings() {
        ImportanceEstimator d = ImportanceEstimator.from(Hyperparameters.none());
        assertEquals(CE, d.loss());
        assertEquals(BATCH, d.estimator());
        assertEquals(ImportanceEstimator.DEFAULT_BATCH_SIZE, d.batchSize());
        ImportanceEstimator s = ImportanceEstimator.from(Hyperparameters.of(Map.of("loss", "CE", "estimator",
                "Sample", "batch_size", "5")));
        assertEquals(SAMPLE, s.estimator());
        assertEquals(5, s.batchSize());
        assertThrows(InvalidHyperparameterException.class, () -> new ImportanceEstimator(
                ImportanceEstimator.Loss.L2, SAMPLE, 8));
        assertThrows(InvalidHyperparameterException.class, () -> new ImportanceEstimator(CE, BATCH, 0));
        assertThrows(InvalidHyperparameterException.class, () -> ImportanceEstimator.from(
                Hyperparameters.of(Map.of("loss", "l2", "estimator", "sample"))));
    }

    /** (1/n) Σ_i g_i² does not depend on how many samples are read at a time. */
    @Test
    void thePerSampleEstimatorIgnoresTheBatchSize() {
        try (MemoryScope scope = MemoryScope.open()) {
            SsdReference ref = SsdReference.load();
            Module model = ref.model().network();
            Dataset data = ref.data();
            Map<String, Tensor> one = new ImportanceEstimator(CE, SAMPLE, 1).estimate(model, data, Progress.none());
            for (int b : new int[] {7, 64}) {
                Map<String, Tensor> other = new ImportanceEstimator(CE, SAMPLE, b).estimate(model, data,
                        Progress.none());
                one.forEach((name, t) -> assertArrayEquals(t.toFloatArray(), other.get(name).toFloatArray(),
                        1e-6f * max(t), "batch " + b + " " + name));
            }
        }
    }

    /** With one batch holding all of X, I_X is the square of the full-batch gradient. */
    @Test
    void oneBatchGivesTheSquaredGradientOfTheMeanLoss() {
        try (MemoryScope scope = MemoryScope.open()) {
            SsdReference ref = SsdReference.load();
            Module model = ref.model().network();
            Dataset data = ref.data();
            Map<String, Tensor> imp = new ImportanceEstimator(CE, BATCH, 1000).estimate(model, data, Progress.none());
            model.forward(data.images(data.allIndices())).crossEntropy(data.labels(data.allIndices()), 0.0).backward();
            for (Map.Entry<String, Variable> p : model.namedParameters().entrySet()) {
                Tensor want = p.getValue().grad().square();
                assertArrayEquals(want.toFloatArray(), imp.get(p.getKey()).toFloatArray(), 1e-6f * max(want),
                        p.getKey());
            }
            model.zeroGrad();
        }
    }

    /**
     * The model comes back as it was: its mode, its weights, which parameters require a
     * gradient; no gradient is left behind. Frozen parameters are scored too. Dropout is off
     * (eval mode), so two passes agree exactly.
     */
    @Test
    void leavesTheModelAsItWasAndRunsInEvalMode() {
        try (MemoryScope scope = MemoryScope.open()) {
            SsdReference ref = SsdReference.load();
            ModelSpec withDropout = SsdReference.SPEC.with("dropout", 0.5);
            Module model = withDropout.build(new Philox(1));
            model.loadStateDict(ref.model().network().stateDict());
            model.train();
            Variable frozen = model.namedParameters().get("fc2.weight");
            frozen.requiresGrad(false);
            Map<String, float[]> before = new LinkedHashMap<>();
            model.stateDict().forEach((k, v) -> before.put(k, v.toFloatArray()));
            ImportanceEstimator estimator = new ImportanceEstimator(CE, BATCH, 16);

            Map<String, Tensor> first = estimator.estimate(model, ref.data(), Progress.none());

            assertTrue(model.isTraining());
            assertFalse(frozen.requiresGrad());
            for (Map.Entry<String, Variable> p : model.namedParameters().entrySet()) {
                assertNull(p.getValue().grad(), p.getKey() + " keeps no gradient");
                assertArrayEquals(before.get(p.getKey()), p.getValue().value().toFloatArray(), p.getKey());
                Tensor t = first.get(p.getKey());
                assertEquals(DType.FLOAT32, t.dtype());
                assertArrayEquals(p.getValue().shape(), t.shape());
            }
            assertEquals(List.copyOf(model.namedParameters().keySet()), List.copyOf(first.keySet()));
            assertTrue(max(first.get("fc2.weight")) > 0, "a frozen parameter is scored too");
            Map<String, Tensor> second = estimator.estimate(model, ref.data(), Progress.none());
            Map<String, Tensor> plain = estimator.estimate(ref.model().network(), ref.data(), Progress.none());
            first.forEach((name, t) -> {
                assertArrayEquals(t.toFloatArray(), second.get(name).toFloatArray(), name + ": dropout is off");
                assertArrayEquals(plain.get(name).toFloatArray(), t.toFloatArray(), name + ": as without dropout");
            });
        }
    }

    @Test
    void theImportancesBelongToTheCallersScope() {
        SsdReference ref;
        Map<String, Tensor> imp;
        try (MemoryScope outer = MemoryScope.open()) {
            ref = SsdReference.load();
            Module model = ref.model().network();
            try (MemoryScope inner = MemoryScope.open()) {
                imp = new ImportanceEstimator(CE, BATCH, 16).estimate(model, ref.data(), Progress.none());
                assertEquals(imp.size(), inner.size(), "the inner scope owns exactly the results");
            }
            imp.values().forEach(t -> assertTrue(t.storage().isReleased(), "freed with the caller's scope"));
        }
    }

    private static float max(Tensor t) {
        float m = 0;
        for (float v : t.toFloatArray()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
