package dev.lethe.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each model runs forward and backward on a small batch, with the output shapes and parameter counts expected. */
class ModelShapesTest {

    private static void forwardBackward(Module m, int... inputShape) {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor x = Tensor.randn(new Philox(1), DType.FLOAT32, inputShape);
            Tensor y = Tensor.of(new long[] {0, 1, 2, 3}, 4);
            Variable logits = m.forward(x);
            assertArrayEquals(new int[] {4, 10}, logits.shape());
            logits.crossEntropy(y, 0.0).backward();
            for (var e : m.namedParameters().entrySet()) {
                assertNotNull(e.getValue().grad(), e.getKey());
            }
            m.zeroGrad();
        }
    }

    @Test
    void mlp() {
        Module m = new Mlp(784, List.of(32, 16), 10, 0, new Philox(3));
        assertEquals(784 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10, m.parameterCount());
        forwardBackward(m, 4, 1, 28, 28);
    }

    @Test
    void resnet18Cifar() {
        Module m = ModelSpec.of("resnet18").build(new Philox(3));
        forwardBackward(m, 4, 1, 28, 28);
    }

    @Test
    void vit() {
        Module m = ModelSpec.of("vit", java.util.Map.of("embed_dim", 48, "depth", 2, "num_heads", 3))
                .build(new Philox(3));
        forwardBackward(m, 4, 1, 28, 28);
    }
}
