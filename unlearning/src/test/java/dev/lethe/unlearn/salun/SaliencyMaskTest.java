package dev.lethe.unlearn.salun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import dev.lethe.unlearn.InvalidHyperparameterException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The global top-k rule on hand-made saliencies: exactly k ones, ties to the lower flat index, bad ratios. */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class SaliencyMaskTest {

    private static Map<String, Tensor> saliency() {
        Map<String, Tensor> s = new LinkedHashMap<>();
        s.put("a.weight", Tensor.of(new float[] {0.5f, 2f, 0f, 1f, 1f, 0f}, 2, 3));
        s.put("a.bias", Tensor.of(new float[] {1f, 3f}, 2));
        s.put("b.weight", Tensor.of(new float[] {1f, 0f}, 1, 2));
        return s;
    }

    @Test
    void selectsTheKLargestGloballyWithTiesToTheLowerFlatIndex() {
        try (MemoryScope scope = MemoryScope.open()) {
            // flat: 0.5 2 0 1 1 0 | 1 3 | 1 0 — N = 10; ratio 0.4 → k = 4: 3, 2, then two of the four 1s
            SaliencyMask m = SaliencyMask.topK(saliency(), 0.4);
            assertEquals(4, m.selected());
            assertEquals(1f, m.threshold());
            assertArrayEquals(new float[] {0, 1, 0, 1, 1, 0}, m.masks().get("a.weight").toFloatArray());
            assertArrayEquals(new float[] {0, 1}, m.masks().get("a.bias").toFloatArray());
            assertArrayEquals(new float[] {0, 0}, m.masks().get("b.weight").toFloatArray());
            assertArrayEquals(new int[] {2, 3}, m.masks().get("a.weight").shape());
            assertEquals(0.5, m.density().get("a.weight"));
            assertEquals(0.5, m.density().get("a.bias"));
            assertEquals(0.0, m.density().get("b.weight"));

            // ratio 0.85 → k = floor(8.5) = 8: all nonzero (7) and the first zero (a.weight[2])
            SaliencyMask z = SaliencyMask.topK(saliency(), 0.85);
            assertEquals(0f, z.threshold());
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, 0}, z.masks().get("a.weight").toFloatArray());
            assertArrayEquals(new float[] {1, 0}, z.masks().get("b.weight").toFloatArray());

            SaliencyMask all = SaliencyMask.topK(saliency(), 1.0);
            assertEquals(10, all.selected());
            all.density().values().forEach(d -> assertEquals(1.0, d));
        }
    }

    @Test
    void rejectsRatiosThatSelectNothingOrAreOutOfRange() {
        try (MemoryScope scope = MemoryScope.open()) {
            for (double r : new double[] {0, -0.5, 1.5, Double.NaN}) {
                InvalidHyperparameterException e = assertThrows(InvalidHyperparameterException.class,
                        () -> SaliencyMask.topK(saliency(), r));
                assertTrue(e.getMessage().contains("ratio"), e.getMessage());
            }
            InvalidHyperparameterException e = assertThrows(InvalidHyperparameterException.class,
                    () -> SaliencyMask.topK(saliency(), 0.099)); // floor(0.99) = 0
            assertTrue(e.getMessage().contains("N = 10"), e.getMessage());
            assertEquals(1, SaliencyMask.topK(saliency(), 0.1).selected());

            Map<String, Tensor> nan = saliency();
            nan.put("b.weight", Tensor.of(new float[] {1f, Float.NaN}, 1, 2));
            IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
                    () -> SaliencyMask.topK(nan, 0.5));
            assertTrue(n.getMessage().contains("b.weight") && n.getMessage().contains("index 1"), n.getMessage());
        }
    }
}
