package dev.lethe.unlearn.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.autograd.Variable;
import dev.lethe.nn.Module;
import dev.lethe.optim.Sgd;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One masked SGD step by hand: masked gradient, masked-out weights and momentum restored exactly. */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class GradientMaskTest {

    @Test
    void restoresMaskedOutWeightsAndMomentumBitForBit() {
        try (MemoryScope scope = MemoryScope.open()) {
            Module original = TinyProblem.SPEC.build(new Philox(4));
            Module work = TinyProblem.SPEC.build(new Philox(4));
            LinkedHashMap<String, Variable> params = work.namedParameters();
            Map<String, Tensor> masks = new LinkedHashMap<>();
            params.forEach((name, p) -> {
                float[] m = new float[p.numel()];
                for (int i = 0; i < m.length; i += 2) {
                    m[i] = 1;
                }
                masks.put(name, Tensor.of(m, p.shape()));
            });
            GradientMask mask = new GradientMask(masks, original);
            try (Sgd sgd = new Sgd(work.parameters(), 0.1, 0.9, false, 0.01)) {
                for (int step = 0; step < 3; step++) {
                    work.zeroGrad();
                    Variable loss = work.forward(Tensor.rand(new Philox(step), dev.lethe.tensor.DType.FLOAT32, 5, 12))
                            .square().sum();
                    loss.backward();
                    mask.maskGradients(params);
                    for (Map.Entry<String, Variable> p : params.entrySet()) {
                        float[] g = p.getValue().grad().toFloatArray();
                        for (int i = 1; i < g.length; i += 2) {
                            assertTrue(g[i] == 0, p.getKey() + " gradient at a masked-out index: " + g[i]);
                        }
                    }
                    sgd.step();
                    mask.restoreMaskedOut(params, sgd);
                }
                int k = 0;
                for (Map.Entry<String, Variable> p : params.entrySet()) {
                    float[] now = p.getValue().value().toFloatArray();
                    float[] then = original.namedParameters().get(p.getKey()).value().toFloatArray();
                    float[] momentum = sgd.state().get(k++ + ".momentum_buffer").toFloatArray();
                    boolean moved = false;
                    for (int i = 0; i < now.length; i++) {
                        if (i % 2 == 1) {
                            assertEquals(Float.floatToRawIntBits(then[i]), Float.floatToRawIntBits(now[i]),
                                    p.getKey() + "[" + i + "]");
                            assertTrue(momentum[i] == 0, p.getKey() + " momentum [" + i + "]: " + momentum[i]);
                        } else {
                            moved |= now[i] != then[i];
                        }
                    }
                    assertTrue(moved, p.getKey() + ": no selected weight moved");
                }
            }
            Map<String, Tensor> missing = new LinkedHashMap<>(masks);
            missing.remove("head.bias");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new GradientMask(missing, original));
            assertTrue(e.getMessage().contains("head.bias"), e.getMessage());
            Map<String, Tensor> misshapen = new LinkedHashMap<>(masks);
            misshapen.put("fc1.bias", Tensor.zeros(dev.lethe.tensor.DType.FLOAT32, 3));
            assertNotEquals(null, assertThrows(IllegalArgumentException.class,
                    () -> new GradientMask(misshapen, original)).getMessage());
        }
    }
}
