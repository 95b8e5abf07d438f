package dev.lethe.unlearn.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lethe.data.Dataset;
import dev.lethe.data.Normalization;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.unlearn.ForgetSet;
import dev.lethe.unlearn.UnlearningRequest;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A measurement predicts D once and takes D_f from it: the same numbers as predicting D_f on its own. */
class MeasurementTest {
    @Test
    void forgetPredictionsComeFromTheTrainingPassUnchanged() {
        try (MemoryScope scope = MemoryScope.open()) {
            Random r = new Random(3);
            int n = 50;
            byte[] pixels = new byte[n * 6];
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i % 3;
                for (int k = 0; k < 6; k++) {
                    pixels[i * 6 + k] = (byte) r.nextInt(256);
                }
            }
            Dataset data = Dataset.ofBytes("toy", pixels, labels, 1, 2, 3, 3, Normalization.SCALE_ONLY);
            Module model = ModelSpec.of("mlp", Map.of("in_features", 6, "hidden", List.of(5), "num_classes", 3))
                    .build(new Philox(1)).eval();
            UnlearningRequest request = UnlearningRequest.of(data, ForgetSet.of(new int[] {4, 17, 2, 33}, n, "t"));
            Measurement m = Measurement.of(model, request, data, 7);
            Predictions direct = Predictions.of(model, request.forgetData(), 7);
            assertArrayEquals(direct.predicted(), m.forget().predicted());
            assertArrayEquals(direct.trueClassProbability(), m.forget().trueClassProbability(), 0.0);
            assertEquals(0.0, m.klFrom(m), 0.0);
            assertEquals(Scores.of(model, request, data, 7).forgetAccuracy(), m.scores().forgetAccuracy(), 0.0);
        }
    }
}
