package dev.lethe.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TensorBasicsTest {

    @Test
    void broadcastingAddMatchesHandComputation() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {10, 20, 30}, 3);
        assertArrayEquals(new float[] {11, 22, 33, 14, 25, 36}, a.add(b).toFloatArray());
        Tensor col = Tensor.of(new float[] {100, 200}, 2, 1);
        assertArrayEquals(new float[] {101, 102, 103, 204, 205, 206}, a.add(col).toFloatArray());
    }

    @Test
    void matmulHandlesTransposedViewsWithoutCopying() {
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
        assertArrayEquals(new float[] {4, 5, 10, 11}, a.matmul(b).toFloatArray());
        // a·aᵀ through a transposed view
        assertArrayEquals(new float[] {14, 32, 32, 77}, a.matmul(a.t()).toFloatArray());
        assertArrayEquals(new float[] {17, 22, 27, 22, 29, 36, 27, 36, 45}, a.t().matmul(a).toFloatArray());
    }

    @Test
    void batchedMatmulBroadcastsBatchDimensions() {
        Philox rng = new Philox(1);
        Tensor a = Tensor.randn(rng, DType.FLOAT64, 2, 1, 3, 4);
        Tensor b = Tensor.randn(rng, DType.FLOAT64, 5, 4, 2);
        Tensor c = a.matmul(b);
        assertArrayEquals(new int[] {2, 5, 3, 2}, c.shape());
        double expect = 0;
        for (int k = 0; k < 4; k++) {
            expect += a.get(1, 0, 2, k) * b.get(3, k, 1);
        }
        assertEquals(expect, c.get(1, 3, 2, 1), 1e-12);
    }

    @Test
    void reductionsOverAnyAxes() {
        Tensor x = Tensor.arange(0, 24, 1, DType.FLOAT32).view(2, 3, 4);
        assertEquals(276.0, x.sum().item());
        assertArrayEquals(new float[] {12, 15, 18, 21, 48, 51, 54, 57}, x.sum(new int[] {1}, false).toFloatArray());
        assertArrayEquals(new int[] {1, 3, 1}, x.sum(new int[] {0, 2}, true).shape());
        assertArrayEquals(new float[] {60, 92, 124}, x.sum(new int[] {0, 2}, false).toFloatArray());
        assertArrayEquals(new float[] {3, 7, 11, 15, 19, 23}, x.max(-1, false).toFloatArray());
        assertArrayEquals(new long[] {3, 3, 3, 3, 3, 3}, x.argmax(2, false).toLongArray());
        assertEquals(23.0, x.kthLargest(1));
        assertEquals(0.0, x.kthLargest(24));
    }

    @Test
    void sumOverLeadingAxesMatchesTheGenericPath() {
        Philox rng = new Philox(5);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 3, 5, 7, 40);
        // axes (1, 2) are a block followed by a kept axis: the row-accumulation path
        Tensor fast = x.sum(new int[] {1, 2}, false);
        // the same sums through a permuted (non-contiguous) view take the generic path
        Tensor slow = x.permute(3, 0, 1, 2).sum(new int[] {2, 3}, false).t();
        assertArrayEquals(slow.toDoubleArray(), fast.toDoubleArray(), 1e-12);
        Tensor bias = Tensor.randn(rng, DType.FLOAT32, 300, 70).sum(0, false);
        assertArrayEquals(new int[] {70}, bias.shape());
    }

    @Test
    void largeSumIsAccurate() {
        Tensor x = Tensor.ones(DType.FLOAT32, 1 << 22);
        assertEquals(1 << 22, x.sum().item());
    }

    @Test
    void viewsShareStorage() {
        Tensor x = Tensor.arange(0, 12, 1, DType.FLOAT32).view(3, 4);
        Tensor col = x.select(1, 2);
        assertArrayEquals(new float[] {2, 6, 10}, col.toFloatArray());
        col.fill_(-1);
        assertEquals(-1.0, x.get(1, 2));
        Tensor p = x.permute(1, 0);
        assertArrayEquals(new float[] {0, 4, 8, 1, 5, 9, -1, -1, -1, 3, 7, 11}, p.flatten().toFloatArray());
        assertTrue(!p.isContiguous());
        assertThrows(IllegalArgumentException.class, () -> p.view(12));
        assertArrayEquals(new float[] {1, 5, 9}, x.narrow(1, 1, 1).squeeze(1).toFloatArray());
        assertArrayEquals(new float[] {4, 5, -1, 7}, x.slice(0, 1, 2, 1).flatten().toFloatArray());
    }

    @Test
    void shapeMismatchIsAClearError() {
        Tensor a = Tensor.zeros(DType.FLOAT32, 64, 10);
        Tensor b = Tensor.zeros(DType.FLOAT32, 64, 12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("[64, 10]") && e.getMessage().contains("[64, 12]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
    }
}
