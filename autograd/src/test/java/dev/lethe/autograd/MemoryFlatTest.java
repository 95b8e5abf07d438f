package dev.lethe.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A training loop holds flat native memory: 10,000 forward/backward/SGD steps of a 2-layer MLP,
 * each in its own MemoryScope, end with exactly the live bytes of the first step (bound: 0
 * bytes; leaf gradients are freed by zeroGrad, everything else by the scope).
 */
class MemoryFlatTest {

    @Test
    void tenThousandTrainingStepsHoldFlatMemory() {
        Philox rng = new Philox(2024);
        Variable w1 = Variable.parameter(Tensor.randn(rng, DType.FLOAT32, 32, 16).mul(0.25));
        Variable b1 = Variable.parameter(Tensor.zeros(DType.FLOAT32, 32));
        Variable w2 = Variable.parameter(Tensor.randn(rng, DType.FLOAT32, 4, 32).mul(0.18));
        Variable b2 = Variable.parameter(Tensor.zeros(DType.FLOAT32, 4));
        List<Variable> params = List.of(w1, b1, w2, b2);
        Variable x = Variable.constant(Tensor.randn(rng, DType.FLOAT32, 8, 16));
        Tensor targets = Tensor.randint(rng, 0, 4, 8);

        long afterFirst = 0;
        double firstLoss = 0;
        double lastLoss = 0;
        long start = System.nanoTime();
        int steps = 10_000;
        for (int step = 0; step < steps; step++) {
            try (MemoryScope scope = MemoryScope.open()) {
                Variable loss = x.matmul(w1.t()).add(b1).relu().matmul(w2.t()).add(b2).crossEntropy(targets, 0.0);
                loss.backward();
                try (NoGrad g = NoGrad.enter()) {
                    for (Variable p : params) {
                        p.value().sub_(p.grad().mul(0.05));
                        p.zeroGrad();
                    }
                }
                lastLoss = loss.item();
            }
            if (step == 0) {
                afterFirst = HostStorage.liveBytes();
                firstLoss = lastLoss;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(afterFirst, HostStorage.liveBytes(), "live native bytes after step 1 and after step " + steps);
        assertTrue(lastLoss < 0.5 * firstLoss, "the loop trains: loss " + firstLoss + " -> " + lastLoss);
        assertTrue(seconds < 20, steps + " steps took " + seconds + " s");
    }
}
