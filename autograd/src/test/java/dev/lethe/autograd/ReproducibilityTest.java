package dev.lethe.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Same seed, same bits: Philox-seeded initialisation, forward (with dropout or batch norm) and
 * backward, run twice from scratch, give bit-identical float32 outputs and gradients.
 */
class ReproducibilityTest {

    /** The output, then every parameter gradient, as raw float bits. */
    private static List<int[]> bits(Variable out, List<Variable> params) {
        List<int[]> all = new ArrayList<>();
        all.add(rawBits(out.value()));
        for (Variable p : params) {
            all.add(rawBits(p.grad()));
        }
        return all;
    }

    private static int[] rawBits(Tensor t) {
        float[] f = t.toFloatArray();
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = Float.floatToRawIntBits(f[i]);
        }
        return b;
    }

    private static Variable init(Philox rng, double scale, int... shape) {
        return Variable.parameter(Tensor.randn(rng, DType.FLOAT32, shape).mul(scale));
    }

    private static List<int[]> mlpWithDropout(long seed) {
        try (MemoryScope scope = MemoryScope.open()) {
            Philox rng = new Philox(seed);
            // [256, 256] hidden activations: large enough for the multi-threaded kernel paths
            List<Variable> p = List.of(init(rng, 0.07, 256, 196), init(rng, 0.07, 256), init(rng, 0.06, 10, 256),
                    init(rng, 0.06, 10));
            Variable x = Variable.constant(Tensor.randn(rng, DType.FLOAT32, 256, 196));
            Tensor y = Tensor.randint(rng, 0, 10, 256);
            Variable logits = x.matmul(p.get(0).t()).add(p.get(1)).relu().dropout(0.3, true, rng)
                    .matmul(p.get(2).t()).add(p.get(3));
            logits.crossEntropy(y, 0.1).backward();
            List<int[]> b = bits(logits, p);
            p.forEach(Variable::zeroGrad);
            return b;
        }
    }

    private static List<int[]> convBnNet(long seed) {
        try (MemoryScope scope = MemoryScope.open()) {
            Philox rng = new Philox(seed);
            List<Variable> p = List.of(init(rng, 0.2, 8, 3, 3, 3), init(rng, 1.0, 8), init(rng, 0.1, 8),
                    init(rng, 0.2, 5, 8), init(rng, 0.1, 5));
            Tensor rm = Tensor.zeros(DType.FLOAT32, 8);
            Tensor rv = Tensor.ones(DType.FLOAT32, 8);
            Variable x = Variable.constant(Tensor.randn(rng, DType.FLOAT32, 16, 3, 16, 16));
            Tensor y = Tensor.randint(rng, 0, 5, 16);
            Variable logits = x.conv2d(p.get(0), null, Conv2dSpec.of(1, 1, 1))
                    .batchNorm(p.get(1), p.get(2), rm, rv, true, 0.1, 1e-5).relu()
                    .maxPool2d(Pool2dSpec.of(3, 2, 1)).adaptiveAvgPool2d(1, 1).flatten(1, -1)
                    .matmul(p.get(3).t()).add(p.get(4));
            logits.crossEntropy(y, 0.0).backward();
            List<int[]> b = bits(logits, p);
            b.add(rawBits(rm));
            b.add(rawBits(rv));
            p.forEach(Variable::zeroGrad);
            return b;
        }
    }

    private static void assertSameBits(List<int[]> a, List<int[]> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i), b.get(i), "tensor " + i + " differs between runs");
        }
    }

    @Test
    void mlpWithDropoutIsBitReproducible() {
        assertSameBits(mlpWithDropout(11), mlpWithDropout(11));
    }

    @Test
    void convBatchNormNetIsBitReproducible() {
        assertSameBits(convBnNet(12), convBnNet(12));
    }
}
