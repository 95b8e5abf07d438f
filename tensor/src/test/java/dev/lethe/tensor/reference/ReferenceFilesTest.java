package dev.lethe.tensor.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The reference files are readable and self-describing, and the error measure says what it measured. */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class ReferenceFilesTest {
    private static final String[] GROUPS = {
        "conv2d", "pool", "batch_norm", "layer_norm", "activation", "softmax", "cross_entropy", "attention"
    };

    @Test
    void everyFileRecordsItsTorchVersionAndStoresInputsAsF32AndResultsAsF64() {
        for (String group : GROUPS) {
            try (ReferenceFile f = ReferenceFile.load(group)) {
                assertFalse(f.torchVersion().equals("unknown"), group + " records no torch_version");
                assertFalse(f.caseNames().isEmpty(), group + " has no cases");
                ReferenceFile.Case c = f.get(f.caseNames().get(0));
                String input = group.equals("cross_entropy") ? "logits" : group.equals("attention") ? "q" : "x";
                String output = group.equals("cross_entropy") ? "loss" : "y";
                assertEquals(DType.FLOAT32, c.tensor(input).dtype(), group + " input dtype");
                assertEquals(DType.FLOAT64, c.tensor(output).dtype(), group + " reference dtype");
            }
        }
    }

    @Test
    void relativeErrorIsTheNormOfTheDifferenceOverTheNormOfTheReference() {
        assertEquals(0.0, RelativeError.of(new double[] {1, 2}, new double[] {1, 2}));
        assertEquals(0.1 / Math.sqrt(5), RelativeError.of(new double[] {1.1, 2}, new double[] {1, 2}), 1e-15);
        assertEquals(0.5, RelativeError.of(new double[] {0.3, 0.4}, new double[] {0, 0}), 1e-15);
    }

    @Test
    void aFailedComparisonNamesTheQuantityAndTheMeasuredError() {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor want = Tensor.of(new double[] {1, 2}, 2);
            AssertionError e = assertThrows(AssertionError.class,
                    () -> RelativeError.assertForward(Tensor.of(new float[] {1.1f, 2}, 2), want, "demo output"));
            assertTrue(e.getMessage().startsWith("demo output: relative error 4.47"), e.getMessage());
            assertThrows(AssertionError.class,
                    () -> RelativeError.assertForward(Tensor.of(new float[] {1, 2}, 1, 2), want, "shape"));
        }
    }
}
