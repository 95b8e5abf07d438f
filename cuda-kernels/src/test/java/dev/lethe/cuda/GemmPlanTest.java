package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The row-major → column-major mapping of matrix products onto cuBLAS, checked by running each
 * plan through a Java model of cuBLAS's gemm on the tensors' flat storage and comparing with the
 * CPU backend's matmul of the same views.
 */
class GemmPlanTest {

    /**
     * cuBLAS's {@code C = op(A)·op(B)} in column-major order, as the plan calls it: first operand
     * b, second a, m and n swapped.
     */
    private static double[] run(GemmPlan p, double[] a, double[] b, int outSize) {
        double[] c = new double[outSize];
        int cm = p.n();
        int cn = p.m();
        for (int batch = 0; batch < p.batch(); batch++) {
            for (int i = 0; i < cm; i++) {
                for (int j = 0; j < cn; j++) {
                    double s = 0;
                    for (int l = 0; l < p.k(); l++) {
                        // first operand (b): op(X)[i, l]; second (a): op(Y)[l, j]
                        double x = p.transB() ? b[(int) (p.bOffsets()[batch] + l + (long) i * p.ldb())]
                                : b[(int) (p.bOffsets()[batch] + i + (long) l * p.ldb())];
                        double y = p.transA() ? a[(int) (p.aOffsets()[batch] + j + (long) l * p.lda())]
                                : a[(int) (p.aOffsets()[batch] + l + (long) j * p.lda())];
                        s += x * y;
                    }
                    c[(int) (p.cOffsets()[batch] + i + (long) j * p.ldc())] = s;
                }
            }
        }
        return c;
    }

    /** The flat storage behind a view, as doubles. */
    private static double[] storage(Tensor view) {
        return Tensor.wrap(view.storage(), view.backend(), view.dtype(), new int[] {(int) (view.storage().byteSize()
                / view.dtype().byteSize())}, new int[] {1}, 0).toDoubleArray();
    }

    private static void check(Tensor a, Tensor b, boolean expectUniform) {
        Tensor want = a.matmul(b);
        GemmPlan p = GemmPlan.of(a.shape(), a.strides(), a.offset(), b.shape(), b.strides(), b.offset(), want.shape(), 0);
        assertEquals(expectUniform, p.uniform(), "one strided-batched call");
        double[] got = run(p, storage(a), storage(b), (int) want.numel());
        double[] w = want.toDoubleArray();
        for (int i = 0; i < w.length; i++) {
            assertEquals(w[i], got[i], 1e-12, "element " + i);
        }
    }

    private static Tensor randn(int seed, int... shape) {
        return Tensor.randn(new Philox(seed), DType.FLOAT64, shape);
    }

    @Test
    void plainTransposedAndOffsetViewsMatchTheCpu() {
        check(randn(1, 3, 4), randn(2, 4, 5), true);
        check(randn(3, 4, 3).transpose(0, 1), randn(4, 4, 5), true);
        check(randn(5, 3, 4), randn(6, 5, 4).transpose(0, 1), true);
        check(randn(7, 4, 3).transpose(0, 1), randn(8, 5, 4).transpose(0, 1), true);
        check(randn(9, 6, 4).narrow(0, 2, 3), randn(10, 4, 9).narrow(1, 3, 5), true); // offsets, ld > cols
        check(randn(11, 1, 4), randn(12, 4, 1), true);                                  // vectors
    }

    @Test
    void batchesBroadcastAndUseOneStridedCallWhenUniform() {
        check(randn(13, 2, 3, 4), randn(14, 2, 4, 5), true);
        check(randn(15, 2, 3, 4), randn(16, 4, 5), true);                // b broadcast: stride 0
        check(randn(17, 3, 4), randn(18, 2, 4, 5), true);                // a broadcast
        check(randn(19, 2, 1, 3, 4), randn(20, 1, 3, 4, 5), false);      // [2,1]x[1,3] -> [2,3]: a's offsets repeat
        check(randn(21, 3, 2, 3, 4).transpose(0, 1), randn(22, 2, 3, 4, 5), false); // permuted batch dims
    }

    @Test
    void layoutsBlasCannotAddressAreRefused() {
        Tensor strided = randn(23, 3, 8).narrow(1, 0, 8);
        Tensor everyOther = Tensor.wrap(strided.storage(), strided.backend(), DType.FLOAT64, new int[] {3, 4},
                new int[] {8, 2}, 0);
        assertNull(GemmPlan.of(everyOther.shape(), everyOther.strides(), 0, new int[] {4, 2}, new int[] {2, 1}, 0,
                new int[] {3, 2}, 0));
        assertThrows(IllegalArgumentException.class, () -> GemmPlan.of(new int[] {3, 4}, new int[] {4, 1}, 0,
                new int[] {5, 2}, new int[] {2, 1}, 0, new int[] {3, 2}, 0));
        assertTrue(GemmPlan.step(new long[] {0, 5, 10}) == 5);
        assertFalse(GemmPlan.step(new long[] {0, 5, 11}) == 5);
    }
}
