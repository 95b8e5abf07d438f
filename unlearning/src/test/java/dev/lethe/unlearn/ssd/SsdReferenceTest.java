package dev.lethe.unlearn.ssd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import dev.lethe.train.Progress;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.UnlearningRequest;
import dev.lethe.unlearn.UnlearningResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SSD in float32 against PyTorch in float64 (tools/reference/unlearning/ssd.py), for the three
 * variants (cross-entropy per batch, LFSSD, per-sample cross-entropy), batch size 16 so that
 * both D (40) and D_f (19) end in a partial batch: I_D and I_f within 1e-4 relative per
 * tensor, the same selection scalar for scalar, and the dampened weights within 1e-4.
 */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class SsdReferenceTest {

    static List<String> variants() {
        return SsdReference.VARIANTS;
    }

    private static ImportanceEstimator estimator(JsonNode s) {
        return new ImportanceEstimator(ImportanceEstimator.Loss.valueOf(s.get("loss").asText().toUpperCase(Locale.ROOT)),
                ImportanceEstimator.Estimator.valueOf(s.get("estimator").asText().toUpperCase(Locale.ROOT)),
                s.get("batch_size").asInt());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void importancesAndSelectionMatchPyTorch(String variant) {
        try (MemoryScope scope = MemoryScope.open()) {
            SsdReference ref = SsdReference.load();
            JsonNode s = ref.settings(variant);
            TrainedModel model = ref.model();
            UnlearningRequest request = ref.request();
            ImportanceEstimator estimator = estimator(s);
            Map<String, Tensor> data = estimator.estimate(model.network(), request.data(), Progress.none());
            Map<String, Tensor> forget = estimator.estimate(model.network(), request.forgetData(), Progress.none());
            Map<String, Tensor> wantData = ref.tensors(variant, "importance_data");
            Map<String, Tensor> wantForget = ref.tensors(variant, "importance_forget");
            assertEquals(List.copyOf(model.network().namedParameters().keySet()), List.copyOf(data.keySet()));
            double worst = 0;
            for (String name : wantData.keySet()) {
                assertEquals(DType.FLOAT32, data.get(name).dtype(), name);
                worst = Math.max(worst, SsdReference.assertClose(data.get(name), wantData.get(name),
                        variant + " I_D " + name));
                worst = Math.max(worst, SsdReference.assertClose(forget.get(name), wantForget.get(name),
                        variant + " I_f " + name));
            }
            SelectiveDampening rule = new SelectiveDampening(s.get("alpha").asDouble(), s.get("lambda").asDouble());
            for (Map.Entry<String, Tensor> e : ref.tensors(variant, "selected").entrySet()) {
                long[] want = e.getValue().toLongArray();
                double[] d = data.get(e.getKey()).toDoubleArray();
                double[] f = forget.get(e.getKey()).toDoubleArray();
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i] == 1, rule.selects(d[i], f[i]), variant + " selection of " + e.getKey()
                            + "[" + i + "]: I_D " + d[i] + ", I_f " + f[i]);
                }
            }
            System.out.printf(Locale.ROOT, "ssd reference %-9s importances: worst relative error %.2e%n", variant,
                    worst);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void dampenedWeightsMatchPyTorch(String variant) {
        try (MemoryScope scope = MemoryScope.open()) {
            SsdReference ref = SsdReference.load();
            JsonNode s = ref.settings(variant);
            Map<String, String> set = new LinkedHashMap<>();
            s.fields().forEachRemaining(e -> set.put(e.getKey(), e.getValue().asText()));
            TrainedModel original = ref.model();
            Map<String, float[]> before = new LinkedHashMap<>();
            original.network().stateDict().forEach((k, v) -> before.put(k, v.toFloatArray()));

            UnlearningResult result = new SelectiveSynapticDampening(Hyperparameters.of(set))
                    .unlearn(original, ref.request(), Progress.none());

            Map<String, Tensor> want = ref.tensors(variant, "dampened");
            Map<String, Tensor> selected = ref.tensors(variant, "selected");
            @SuppressWarnings("unchecked")
            Map<String, Long> counts = (Map<String, Long>) result.record().statistics().get("selected");
            double worst = 0;
            long total = 0;
            for (Map.Entry<String, Variable> p : result.model().network().namedParameters().entrySet()) {
                String name = p.getKey();
                worst = Math.max(worst, SsdReference.assertClose(p.getValue().value(), want.get(name),
                        variant + " dampened " + name));
                long[] mask = selected.get(name).toLongArray();
                float[] after = p.getValue().value().toFloatArray();
                long n = 0;
                for (int i = 0; i < mask.length; i++) {
                    n += mask[i];
                    if (mask[i] == 0) {
                        assertEquals(Float.floatToRawIntBits(before.get(name)[i]), Float.floatToRawIntBits(after[i]),
                                variant + " unselected " + name + "[" + i + "] must keep its bits");
                    }
                }
                assertEquals(n, counts.get(name), variant + " selected in " + name);
                total += n;
            }
            assertEquals(total, result.record().statistics().get("selected_total"));
            original.network().stateDict().forEach((k, v) -> org.junit.jupiter.api.Assertions.assertArrayEquals(
                    before.get(k), v.toFloatArray(), "the original's " + k + " must not change"));
            System.out.printf(Locale.ROOT, "ssd reference %-9s dampened weights: worst relative error %.2e, "
                    + "%d selected, %d changed%n", variant, worst, total, result.record().parametersChanged());
        }
    }
}
