package dev.lethe.unlearn.ssd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.autograd.NoGrad;
import dev.lethe.autograd.Variable;
import dev.lethe.data.Dataset;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.train.Progress;
import dev.lethe.train.TrainingRecipe;
import dev.lethe.unlearn.ForgetSet;
import dev.lethe.unlearn.Histogram;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.InvalidHyperparameterException;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.UnlearningRecord;
import dev.lethe.unlearn.UnlearningRequest;
import dev.lethe.unlearn.UnlearningResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The SSD unlearner: hyper-parameters, the record, and what it must leave alone. */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class SelectiveSynapticDampeningTest {

    private static Hyperparameters set(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return Hyperparameters.of(m);
    }

    private static void rejected(String expectedInMessage, String... pairs) {
        InvalidHyperparameterException e = assertThrows(InvalidHyperparameterException.class,
                () -> new SelectiveSynapticDampening(set(pairs)), String.join("=", pairs));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    @Test
    void badHyperparametersAreUsageErrorsNamingTheKey() {
        rejected("alpha", "alpha", "0");
        rejected("alpha", "alpha", "-1");
        rejected("alpha", "alpha", "ten");
        rejected("lambda", "lambda", "0");
        rejected("lambda", "lambda", "-0.5");
        rejected("batch_size", "batch_size", "0");
        rejected("loss", "loss", "mse");
        rejected("estimator", "estimator", "fisher");
        rejected("estimator=sample", "loss", "l2", "estimator", "sample");
        rejected("alpah", "alpah", "5");
        // the message lists what ssd takes
        rejected("lambda", "selection", "5");
    }

    @Test
    void defaultsAndTheViTAlpha() {
        SelectiveSynapticDampening ssd = new SelectiveSynapticDampening(Hyperparameters.none());
        assertEquals("ssd", ssd.name());
        assertEquals(10, ssd.alpha(ModelSpec.of("mlp")));
        assertEquals(10, ssd.alpha(ModelSpec.of("resnet18")));
        assertEquals(5, ssd.alpha(ModelSpec.of("vit")));
        assertEquals(1, ssd.lambda());
        assertEquals(ImportanceEstimator.Loss.CE, ssd.estimator().loss());
        assertEquals(ImportanceEstimator.Estimator.BATCH, ssd.estimator().estimator());
        assertEquals(64, ssd.estimator().batchSize());
        SelectiveSynapticDampening given = new SelectiveSynapticDampening(set("alpha", "3", "lambda", "0.5",
                "batch_size", "8", "loss", "L2", "estimator", "batch"));
        assertEquals(3, given.alpha(ModelSpec.of("vit")));
        assertEquals(3, given.alpha(ModelSpec.of("mlp")));
        assertEquals(0.5, given.lambda());
        assertEquals(ImportanceEstimator.Loss.L2, given.estimator().loss());
        assertEquals(8, given.estimator().batchSize());
    }

    @Test
    void recordsItsStatisticsInOrderAndLeavesTheOriginalAlone() {
        try (MemoryScope scope = MemoryScope.open()) {
            SsdReference ref = SsdReference.load();
            TrainedModel original = ref.model();
            original.network().train();
            Map<String, float[]> before = snapshot(original.network());
            UnlearningRequest request = ref.request();

            UnlearningResult result = new SelectiveSynapticDampening(set("alpha", "2", "batch_size", "16"))
                    .unlearn(original, request, Progress.none());
            UnlearningRecord record = result.record();

            assertTrue(original.network().isTraining(), "the original's mode is its own");
            snapshot(original.network()).forEach((k, v) -> assertArrayEquals(before.get(k), v,
                    "the original's " + k + " must not change"));
            assertFalse(result.model().network().isTraining(), "the result is in eval mode");
            assertTrue(result.model().network() != original.network(), "the result is a new network");

            assertEquals("ssd", record.method());
            assertEquals((40 + 19) / 40.0, record.passes(), 1e-15);
            assertTrue(record.seconds() > 0);
            assertEquals(List.of("alpha", "lambda", "selected", "selected_total", "importance_data",
                    "importance_forget", "dampening"), List.copyOf(record.statistics().keySet()));
            assertEquals(2.0, record.statistics().get("alpha"));
            assertEquals(1.0, record.statistics().get("lambda"));
            @SuppressWarnings("unchecked")
            Map<String, Long> selected = (Map<String, Long>) record.statistics().get("selected");
            assertEquals(List.copyOf(original.network().namedParameters().keySet()), List.copyOf(selected.keySet()));
            long total = selected.values().stream().mapToLong(Long::longValue).sum();
            assertEquals(total, record.statistics().get("selected_total"));
            assertTrue(total > 0 && total < original.network().parameterCount(), "alpha 2 selects some: " + total);

            // parametersChanged counts exactly the scalars that differ; all of them were selected
            Map<String, float[]> after = snapshot(result.model().network());
            long changed = 0;
            for (String name : selected.keySet()) {
                long differ = 0;
                for (int i = 0; i < after.get(name).length; i++) {
                    differ += after.get(name)[i] != before.get(name)[i] ? 1 : 0;
                }
                assertTrue(differ <= selected.get(name), name);
                changed += differ;
            }
            assertEquals(changed, record.parametersChanged());

            Map<String, Tensor> data = new ImportanceEstimator(ImportanceEstimator.Loss.CE,
                    ImportanceEstimator.Estimator.BATCH, 16).estimate(original.network(), request.data(),
                    Progress.none());
            long positive = data.values().stream().flatMap(t -> java.util.Arrays.stream(t.toDoubleArray()).boxed())
                    .filter(v -> v > 0).count();
            Histogram hd = (Histogram) record.statistics().get("importance_data");
            Histogram hf = (Histogram) record.statistics().get("importance_forget");
            Histogram hs = (Histogram) record.statistics().get("dampening");
            assertEquals("log10 I_D", hd.label());
            assertEquals("log10 I_f", hf.label());
            assertEquals(ImportanceHistograms.BINS, hd.counts().length);
            assertEquals(hd.low(), hf.low());
            assertEquals(hd.high(), hf.high());
            assertEquals(positive, hd.total());
            assertEquals(Math.floor(hd.low()), hd.low(), "whole decades");
            assertTrue(hf.total() > 0 && hf.total() <= positive);
            assertEquals("dampening factor", hs.label());
            assertEquals(SelectiveSynapticDampening.DAMPENING_BINS, hs.counts().length);
            assertEquals(0.0, hs.low());
            assertEquals(1.0, hs.high());
            assertEquals(total, hs.total());
        }
    }

    /**
     * A ResNet-18 whose BatchNorm statistics have moved away from their initial values (and
     * {@code num_batches_tracked} from 0): every buffer comes back bit for bit, and so does every
     * scalar the rule does not select.
     */
    @Test
    void buffersAndUnselectedWeightsComeBackBitIdentical() {
        try (MemoryScope scope = MemoryScope.open()) {
            ModelSpec spec = ModelSpec.of("resnet18", Map.of("num_classes", 3));
            Module network = spec.build(new Philox(3));
            Philox rng = new Philox(4);
            int n = 12;
            float[] pixels = Tensor.randn(rng, DType.FLOAT32, n, 1, 8, 8).toFloatArray();
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i % 3;
            }
            Dataset data = Dataset.ofFloats("random 8x8", pixels, labels, 1, 8, 8, 3);
            try (NoGrad g = NoGrad.enter()) {
                network.train();
                for (int k = 0; k < 3; k++) {
                    network.forward(data.images(new int[] {k, k + 3, k + 6, k + 9}));
                }
            }
            network.eval();
            TrainedModel original = TrainedModel.of(spec, network, TrainingRecipe.defaults("resnet18"), 3);
            Map<String, Tensor> state = new LinkedHashMap<>();
            original.network().stateDict().forEach((k, v) -> state.put(k, v.copy()));
            assertEquals(3, original.network().stateDict().get("bn1.num_batches_tracked").item());
            UnlearningRequest request = UnlearningRequest.of(data, ForgetSet.of(new int[] {0, 3, 6, 7}, n, "test"));

            SelectiveSynapticDampening ssd = new SelectiveSynapticDampening(set("alpha", "1.5", "batch_size", "5"));
            UnlearningResult result = ssd.unlearn(original, request, Progress.none());

            ImportanceEstimator estimator = ssd.estimator();
            Map<String, Tensor> iData = estimator.estimate(original.network(), data, Progress.none());
            Map<String, Tensor> iForget = estimator.estimate(original.network(), request.forgetData(), Progress.none());
            SelectiveDampening rule = new SelectiveDampening(1.5, 1);
            Map<String, Variable> params = result.model().network().namedParameters();
            long selected = 0;
            for (Map.Entry<String, Tensor> e : result.model().network().stateDict().entrySet()) {
                String name = e.getKey();
                Tensor was = state.get(name);
                if (!params.containsKey(name)) {
                    assertEquals(was.dtype(), e.getValue().dtype(), name);
                    assertTrue(sameBits(was, e.getValue()), "buffer " + name + " must come back bit for bit");
                    continue;
                }
                float[] a = was.toFloatArray();
                float[] b = e.getValue().toFloatArray();
                double[] d = iData.get(name).toDoubleArray();
                double[] f = iForget.get(name).toDoubleArray();
                for (int i = 0; i < a.length; i++) {
                    if (rule.selects(d[i], f[i])) {
                        selected++;
                        assertEquals((float) (rule.factor(d[i], f[i]) * a[i]), b[i], name + "[" + i + "] dampened");
                    } else if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                        throw new AssertionError("unselected " + name + "[" + i + "] changed from " + a[i] + " to " + b[i]);
                    }
                }
            }
            assertTrue(selected > 0, "alpha 1.5 must select something");
            assertEquals(selected, result.record().statistics().get("selected_total"));
        }
    }

    private static boolean sameBits(Tensor a, Tensor b) {
        if (a.dtype() == DType.INT64) {
            return java.util.Arrays.equals(a.toLongArray(), b.toLongArray());
        }
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        for (int i = 0; i < x.length; i++) {
            if (Float.floatToRawIntBits(x[i]) != Float.floatToRawIntBits(y[i])) {
                return false;
            }
        }
        return x.length == y.length;
    }

    private static Map<String, float[]> snapshot(Module m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }
}
