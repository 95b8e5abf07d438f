package dev.lethe.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

class DropoutTest {

    @Test
    void maskFollowsTheFloatUniformStreamExactly() {
        for (int n : new int[] {1, 7, 4097, 200_003}) {
            for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                double p = 0.3;
                Philox rng = new Philox(42);
                rng.advance(5);
                Tensor mask = Dropout.mask(new int[] {n}, t, p, rng);
                Philox ref = new Philox(42);
                ref.advance(5);
                double[] u = new double[n];
                ref.uniformFloats(u);
                double keep = t == DType.FLOAT32 ? (float) (1 / (1 - p)) : 1 / (1 - p);
                double[] want = new double[n];
                for (int i = 0; i < n; i++) {
                    want[i] = u[i] >= p ? keep : 0;
                }
                assertArrayEquals(want, mask.toDoubleArray(), "n " + n + " " + t);
                assertEquals(ref.counter(), rng.counter(), "counter advances like uniformFloats");
            }
        }
    }

    @Test
    void keepRateAndShape() {
        Tensor m = Dropout.mask(new int[] {100, 1000}, DType.FLOAT32, 0.25, new Philox(9));
        assertArrayEquals(new int[] {100, 1000}, m.shape());
        double kept = m.gt(0.0).to(DType.FLOAT64).sum().item() / m.numel();
        assertEquals(0.75, kept, 0.01);
        assertEquals(1.0, m.mean().item(), 0.01); // inverted dropout keeps the expectation
        assertEquals(1.0, Dropout.mask(new int[] {10}, DType.FLOAT32, 0.0, new Philox(1)).min().item());
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> Dropout.mask(new int[] {3}, DType.FLOAT32, 1.0, new Philox(1)));
        assertThrows(IllegalArgumentException.class, () -> Dropout.mask(new int[] {3}, DType.FLOAT32, -0.1, new Philox(1)));
        assertThrows(IllegalArgumentException.class, () -> Dropout.mask(new int[] {3}, DType.FLOAT32, Double.NaN, new Philox(1)));
        assertThrows(IllegalArgumentException.class, () -> Dropout.mask(new int[] {3}, DType.INT64, 0.5, new Philox(1)));
    }
}
