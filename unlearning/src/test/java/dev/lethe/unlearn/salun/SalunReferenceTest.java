package dev.lethe.unlearn.salun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.data.Dataset;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsFile;
import dev.lethe.train.Progress;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * SalUn's saliency and mask against PyTorch (tools/reference/unlearning/salun.py): an MLP
 * 12 → 16 → 8 → 4 with a dead unit and a duplicated unit (so the saliency has ties), 40
 * samples, a forget set of 21 in batches of 16 (the last partial). The saliency, computed in
 * float32, must be within 1e-4 relative (per tensor) of PyTorch's float64 result; the masks of
 * PyTorch's saliency (rounded to float32) must be identical, with the same threshold, at three
 * ratios: 0.5, one whose threshold splits a tied pair of equal nonzero saliencies, and one whose
 * threshold lies in the zeros.
 */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class SalunReferenceTest {
    private static final double SALIENCY_TOLERANCE = 1e-4;
    private static final ModelSpec SPEC = ModelSpec.of("mlp", Map.of("in_features", 12, "hidden", List.of(16, 8),
            "num_classes", 4));

    private static SafeTensorsFile reference() throws IOException, URISyntaxException {
        URL url = SalunReferenceTest.class.getResource("/reference/salun.safetensors");
        if (url == null) {
            throw new IllegalStateException("missing reference/salun.safetensors; run tools/reference/unlearning/salun.py");
        }
        return SafeTensorsFile.read(Path.of(url.toURI()));
    }

    private static Map<String, Tensor> under(SafeTensorsFile file, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        file.tensors().forEach((name, t) -> {
            if (name.startsWith(prefix)) {
                out.put(name.substring(prefix.length()), t);
            }
        });
        return out;
    }

    @Test
    void saliencyMatchesPyTorch() throws Exception {
        try (MemoryScope scope = MemoryScope.open()) {
            SafeTensorsFile ref = reference();
            Module model = SPEC.build(new Philox(1));
            model.loadStateDict(under(ref, "state/"));
            model.train();
            Tensor x = ref.tensor("x");
            Dataset data = Dataset.ofFloats("salun reference", x.toFloatArray(), ref.tensor("y").toIntArray(), 1, 3, 4,
                    4);
            Dataset forget = data.subset(ref.tensor("forget").toIntArray(), "forget");
            LinkedHashMap<String, Tensor> g = SaliencyMap.compute(model, forget, 16, Progress.none());
            assertTrue(model.isTraining(), "the mode is restored");
            Map<String, Tensor> expected = under(ref, "saliency/");
            assertArrayEquals(expected.keySet().toArray(), g.keySet().toArray(), "parameter order");
            double worst = 0;
            for (Map.Entry<String, Tensor> e : expected.entrySet()) {
                Tensor actual = g.get(e.getKey());
                assertEquals(dev.lethe.tensor.DType.FLOAT32, actual.dtype());
                assertArrayEquals(e.getValue().shape(), actual.shape());
                double err = relativeError(actual.toDoubleArray(), e.getValue().toDoubleArray());
                assertTrue(err <= SALIENCY_TOLERANCE, e.getKey() + ": relative error " + err);
                worst = Math.max(worst, err);
                assertTrue(model.namedParameters().get(e.getKey()).grad() == null, "gradients are cleared");
            }
            System.out.printf("SalUn saliency vs PyTorch: worst relative error %.2e (tolerance %.0e)%n", worst,
                    SALIENCY_TOLERANCE);
        }
    }

    @Test
    void masksMatchPyTorchIncludingTies() throws Exception {
        try (MemoryScope scope = MemoryScope.open()) {
            SafeTensorsFile ref = reference();
            LinkedHashMap<String, Tensor> saliency = new LinkedHashMap<>();
            under(ref, "saliency/").forEach((name, t) -> saliency.put(name, t.to(dev.lethe.tensor.DType.FLOAT32)));
            for (String c : List.of("half", "tie_duplicate", "tie_zero")) {
                double ratio = ref.tensor("ratio/" + c).item();
                SaliencyMask mask = SaliencyMask.topK(saliency, ratio);
                assertEquals((long) ref.tensor("k/" + c).item(), mask.selected(), c + ": k");
                assertEquals((float) ref.tensor("threshold/" + c).item(), mask.threshold(), c + ": threshold");
                Map<String, Tensor> expected = under(ref, "mask/" + c + "/");
                assertArrayEquals(expected.keySet().toArray(), mask.masks().keySet().toArray());
                long ones = 0;
                for (Map.Entry<String, Tensor> e : expected.entrySet()) {
                    float[] m = mask.masks().get(e.getKey()).toFloatArray();
                    assertArrayEquals(e.getValue().toFloatArray(), m, c + ": mask of " + e.getKey());
                    int n = 0;
                    for (float v : m) {
                        n += (int) v;
                    }
                    assertEquals((double) n / m.length, mask.density().get(e.getKey()), 1e-15);
                    ones += n;
                }
                assertEquals(mask.selected(), ones, c + ": exactly k ones");
            }
        }
    }

    private static double relativeError(double[] a, double[] b) {
        double diff = 0;
        double ref = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            ref += b[i] * b[i];
        }
        return ref == 0 ? Math.sqrt(diff) : Math.sqrt(diff / ref);
    }
}
