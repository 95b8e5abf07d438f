package dev.lethe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.optim.Optimizer;
import dev.lethe.optim.Sgd;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A thousand training steps of the full ResNet-18 (every layer and parameter of the Fashion-MNIST
 * configuration) hold their native memory flat: each step's activations, gradients and
 * temporaries are freed by its scope, and the optimizer's state is allocated once. The input is
 * 2 images of 1×8×8 so the steps are quick; the layers, parameters and code paths are those of
 * a full-size run (whose epochs report the memory they hold).
 */
@SuppressWarnings("try") // the step's MemoryScope frees what the step allocates without naming it
class ResNetMemoryTest {
    @Test
    void thousandTrainingStepsHoldFlatMemory() {
        Module model = ModelSpec.of("resnet18").build(new Philox(1));
        model.train();
        Tensor x = MemoryScope.detach(Tensor.randn(new Philox(2), DType.FLOAT32, 2, 1, 8, 8));
        Tensor y = MemoryScope.detach(Tensor.of(new long[] {3, 7}, 2));
        try (Optimizer opt = new Sgd(model.parameters(), 0.01, 0.9, true, 5e-4)) {
            double firstLoss = step(model, opt, x, y);
            long afterFirst = HostStorage.liveBytes();
            double lastLoss = firstLoss;
            for (int i = 0; i < 1000; i++) {
                lastLoss = step(model, opt, x, y);
            }
            assertEquals(afterFirst, HostStorage.liveBytes(), "native bytes after 1 and 1001 ResNet-18 training steps");
            assertTrue(lastLoss < firstLoss, "the steps train: loss " + firstLoss + " -> " + lastLoss);
        } finally {
            x.close();
            y.close();
        }
    }

    /** One SGD step on the cross-entropy of the batch; returns the loss before the update. */
    private static double step(Module model, Optimizer opt, Tensor x, Tensor y) {
        opt.zeroGrad();
        double loss;
        try (MemoryScope scope = MemoryScope.open()) {
            var l = model.forward(x).crossEntropy(y, 0.0);
            loss = l.value().item();
            l.backward();
        }
        opt.step();
        return loss;
    }
}
