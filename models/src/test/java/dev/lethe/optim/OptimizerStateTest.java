package dev.lethe.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Memory, state save/restore and argument checks of the optimizers. */
class OptimizerStateTest {

    private static final Function<List<Variable>, Optimizer> SGD = ps -> new Sgd(ps, 0.05, 0.9, true, 5e-4);
    private static final Function<List<Variable>, Optimizer> ADAMW = ps -> new AdamW(ps, 1e-3, 0.9, 0.999, 1e-8, 0.05);

    @Test
    void thousandStepsHoldFlatMemory() {
        for (Function<List<Variable>, Optimizer> make : List.of(SGD, ADAMW)) {
            List<Variable> params = params(1);
            Tensor x = Tensor.randn(new Philox(2), DType.FLOAT32, 16, 64);
            try (Optimizer opt = make.apply(params)) {
                trainStep(opt, params, x);
                long after1 = HostStorage.liveBytes();
                for (int i = 0; i < 1000; i++) {
                    trainStep(opt, params, x);
                }
                assertEquals(after1, HostStorage.liveBytes(), opt + ": native bytes after 1 and 1001 steps");
            }
            params.forEach(Variable::zeroGrad);
            params.forEach(p -> p.value().close());
            x.close();
        }
    }

    @Test
    void savedStateContinuesBitForBit() {
        for (Function<List<Variable>, Optimizer> make : List.of(SGD, ADAMW)) {
            try (MemoryScope scope = MemoryScope.open()) {
                Tensor x = Tensor.randn(new Philox(3), DType.FLOAT32, 16, 64);
                List<Variable> a = params(7);
                List<Variable> b = params(7);
                try (Optimizer optA = make.apply(a); Optimizer optB = make.apply(b)) {
                    for (int i = 0; i < 3; i++) {
                        trainStep(optA, a, x);
                    }
                    Map<String, Tensor> saved = new LinkedHashMap<>();
                    optA.state().forEach((k, v) -> saved.put(k, v.copy()));
                    for (int i = 0; i < a.size(); i++) {
                        b.get(i).value().copyFrom_(a.get(i).value());
                    }
                    optB.loadState(saved);
                    assertEquals(optA.state().keySet(), optB.state().keySet());
                    for (int i = 0; i < 2; i++) {
                        trainStep(optA, a, x);
                        trainStep(optB, b, x);
                    }
                    for (int i = 0; i < a.size(); i++) {
                        assertArrayEquals(a.get(i).value().toFloatArray(), b.get(i).value().toFloatArray(),
                                optA + " p" + i);
                    }
                }
                a.forEach(Variable::zeroGrad);
                b.forEach(Variable::zeroGrad);
            }
        }
    }

    @Test
    void parametersWithoutGradientAreLeftAlone() {
        try (MemoryScope scope = MemoryScope.open()) {
            List<Variable> ps = params(4);
            float[] before = ps.get(1).value().toFloatArray();
            ps.get(0).backward(Tensor.ones(DType.FLOAT32, ps.get(0).shape()));
            try (Optimizer opt = ADAMW.apply(ps)) {
                opt.step();
                assertArrayEquals(before, ps.get(1).value().toFloatArray());
                assertEquals(List.of("0.exp_avg", "0.exp_avg_sq", "0.step"), List.copyOf(opt.state().keySet()));
                assertEquals(1.0, opt.state().get("0.step").item());
                opt.zeroGrad();
                assertNull(ps.get(0).grad());
            }
        }
    }

    @Test
    void badStateIsRejectedBeforeAnythingChanges() {
        try (MemoryScope scope = MemoryScope.open()) {
            List<Variable> ps = params(5);
            try (Optimizer opt = SGD.apply(ps)) {
                ps.get(0).backward(Tensor.ones(DType.FLOAT32, ps.get(0).shape()));
                opt.step();
                float[] buffer = opt.state().get("0.momentum_buffer").toFloatArray();
                Tensor good = Tensor.zeros(DType.FLOAT32, ps.get(0).shape());
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> opt.loadState(Map.of("0.momentum_buffer", good,
                                "1.momentum_buffer", Tensor.zeros(DType.FLOAT32, 3))));
                assertTrue(e.getMessage().contains("\"1.momentum_buffer\" has shape [3], expected [64]"), e.getMessage());
                e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(Map.of("0.exp_avg", good)));
                assertTrue(e.getMessage().contains("unknown optimizer state \"0.exp_avg\""), e.getMessage());
                assertArrayEquals(buffer, opt.state().get("0.momentum_buffer").toFloatArray(), "state unchanged");
            }
            try (Optimizer opt = ADAMW.apply(ps)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> opt.loadState(Map.of("0.exp_avg", Tensor.zeros(DType.FLOAT32, ps.get(0).shape()))));
                assertTrue(e.getMessage().contains("incomplete"), e.getMessage());
            }
            ps.forEach(Variable::zeroGrad);
        }
    }

    @Test
    void argumentsAreChecked() {
        List<Variable> ps = List.of(Variable.parameter(Tensor.zeros(DType.FLOAT32, 2)));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(), 0.1));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, -0.1));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, 0.1, 0.0, true, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(ps, 0.1, 1.0, false, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(ps, 0.1, 0.9, 1.0, 1e-8, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new AdamW(ps, 0.1, 0.9, 0.99, 0.0, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(List.of(ps.get(0), ps.get(0)), 0.1));
        assertThrows(IllegalArgumentException.class, () -> GradClip.clipGlobalNorm(ps, 0.0));
    }

    @Test
    void clipLeavesSmallGradientsAndANonFiniteNormAlone() {
        try (MemoryScope scope = MemoryScope.open()) {
            Variable p = Variable.parameter(Tensor.zeros(DType.FLOAT32, 2));
            p.backward(Tensor.of(new float[] {3, 4}, 2));
            assertEquals(5.0, GradClip.clipGlobalNorm(List.of(p), 10.0), 1e-6);
            assertArrayEquals(new float[] {3, 4}, p.grad().toFloatArray());
            assertEquals(5.0, GradClip.clipGlobalNorm(List.of(p), 1.0), 1e-6);
            assertArrayEquals(new float[] {0.6f, 0.8f}, p.grad().toFloatArray(), 1e-6f);
            p.zeroGrad();
            p.backward(Tensor.of(new float[] {Float.POSITIVE_INFINITY, 1}, 2));
            assertEquals(Double.POSITIVE_INFINITY, GradClip.clipGlobalNorm(List.of(p), 1.0));
            assertEquals(1f, p.grad().toFloatArray()[1]);
            p.zeroGrad();
        }
    }

    /** A weight [64, 32] and a bias [64]... as two leaves outside every scope. */
    private static List<Variable> params(long seed) {
        Philox rng = new Philox(seed);
        return List.of(Variable.parameter(MemoryScope.detach(Tensor.randn(rng, DType.FLOAT32, 64, 64))),
                Variable.parameter(MemoryScope.detach(Tensor.randn(rng, DType.FLOAT32, 64))));
    }

    /** One update on loss = mean((x·Wᵀ + b)²). */
    private static void trainStep(Optimizer opt, List<Variable> params, Tensor x) {
        opt.zeroGrad();
        try (MemoryScope scope = MemoryScope.open()) {
            Variable y = Variable.constant(x).matmul(params.get(0).t()).add(params.get(1));
            y.square().mean().backward();
        }
        opt.step();
    }
}
