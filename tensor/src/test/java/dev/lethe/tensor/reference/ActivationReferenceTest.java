package dev.lethe.tensor.reference;

import static dev.lethe.tensor.reference.RelativeError.assertBackward;
import static dev.lethe.tensor.reference.RelativeError.assertForward;

import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.UnaryOp;
import org.junit.jupiter.api.Test;

/** Exact GELU and its derivative against PyTorch's {@code gelu(approximate="none")}. */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class ActivationReferenceTest {

    @Test
    void geluMatchesPyTorch() {
        try (ReferenceFile file = ReferenceFile.load("activation"); MemoryScope scope = MemoryScope.open()) {
            ReferenceFile.Case c = file.get("gelu");
            Tensor x = c.tensor("x");
            assertForward(x.map(UnaryOp.GELU), c.tensor("y"), c.label() + " output");
            // Autograd's GELU rule: gx = gy · GELU'(x).
            assertBackward(x.map(UnaryOp.GELU_GRAD).mul(c.tensor("gy")), c.tensor("gx"), c.label() + " grad input");
        }
    }
}
