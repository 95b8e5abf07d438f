package dev.lethe.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
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

    /** Passes the gradient through and notes the live bytes at the moment its backward runs. */
    private static final class LiveBytesProbe extends Function {
        private final AtomicLong seen;

        private LiveBytesProbe(AtomicLong seen) {
            this.seen = seen;
        }

        static Variable apply(Variable x, AtomicLong seen) {
            return new LiveBytesProbe(seen).record(x.value(), x);
        }

        @Override
        protected Tensor[] backward(Tensor g) {
            seen.set(HostStorage.liveBytes());
            return new Tensor[] {g};
        }
    }

    @Test
    void backwardFreesEachIntermediateGradientOnceConsumed() {
        try (MemoryScope scope = MemoryScope.open()) {
            int n = 1000;
            long bytes = 8L * n;
            AtomicLong atProbe = new AtomicLong();
            Variable x = Variable.parameter(Tensor.randn(new Philox(5), DType.FLOAT64, n));
            Variable y = LiveBytesProbe.apply(x, atProbe);
            for (int i = 0; i < 40; i++) {
                y = i % 2 == 0 ? y.mul(1.01) : y.tanh().add(y); // chains and branches
            }
            Variable loss = y.sum();
            long beforeBackward = HostStorage.liveBytes();
            loss.backward();
            // The last node's gradient plus at most a couple in flight, not 40 of them (320 kB).
            long held = atProbe.get() - beforeBackward;
            assertTrue(held <= 3 * bytes, "gradients held when the last node ran: " + held + " bytes");
            assertEquals(beforeBackward + bytes, HostStorage.liveBytes(), "only the leaf gradient remains");
            x.zeroGrad();
        }
    }
}
