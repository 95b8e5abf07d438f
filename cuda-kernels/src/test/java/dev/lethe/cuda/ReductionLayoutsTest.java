package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.ReduceOp;
import dev.lethe.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The layouts the reduction kernel walks, checked by running the kernel's index arithmetic
 * ({@code offsets3} of lethe_kernels.cuh) in Java over the struct bytes the launch would pass,
 * and comparing with the CPU's reductions.
 */
class ReductionLayoutsTest {

    /** {@code offsets3}: the element offsets of logical index i in the three slots. */
    static long[] offsets3(ByteBuffer l, long i) {
        int rank = l.getInt(0);
        long[] o = new long[3];
        for (int s = 0; s < 3; s++) {
            o[s] = l.getLong(KernelLayout.OFFSETS_OFFSET + s * 8);
        }
        for (int d = rank - 1; d >= 0; d--) {
            long extent = l.getInt(4 + 4 * d);
            long q = i / extent;
            long c = i - q * extent;
            for (int s = 0; s < 3; s++) {
                o[s] += c * l.getLong(KernelLayout.STRIDE_OFFSET + (s * LaunchChecks.MAX_RANK + d) * 8);
            }
            i = q;
        }
        return o;
    }

    private static ByteBuffer bytes(KernelLayout k) {
        return ByteBuffer.wrap(k.toBytes()).order(ByteOrder.nativeOrder());
    }

    private static void check(Tensor x, int[] axes) {
        for (ReduceOp op : ReduceOp.values()) {
            Tensor want = x.reduce(op, axes, true);
            ReductionLayouts r = ReductionLayouts.of(x.shape(), x.strides(), x.offset(), axes, want.shape(),
                    want.strides(), 0, "t");
            double[] xs = Tensor.wrap(x.storage(), x.backend(), x.dtype(),
                    new int[] {(int) (x.storage().byteSize() / 8)}, new int[] {1}, 0).toDoubleArray();
            double[] got = new double[(int) want.numel()];
            ByteBuffer kept = bytes(r.kept());
            ByteBuffer over = bytes(r.over());
            for (long row = 0; row < r.outputs(); row++) {
                long[] o = offsets3(kept, row);
                double acc = op == ReduceOp.SUM ? 0 : (op == ReduceOp.MAX ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
                for (long j = 0; j < r.reduced(); j++) {
                    double v = xs[(int) (o[1] + offsets3(over, j)[1])];
                    acc = op == ReduceOp.SUM ? acc + v : (op == ReduceOp.MAX ? Math.max(acc, v) : Math.min(acc, v));
                }
                got[(int) o[0]] = acc;
            }
            double[] w = want.toDoubleArray();
            for (int i = 0; i < w.length; i++) {
                assertEquals(w[i], got[i], 1e-12, op + " over " + java.util.Arrays.toString(axes) + " element " + i);
            }
        }
    }

    @Test
    void keptAndReducedWalksCoverEveryElementOnce() {
        Tensor x = Tensor.randn(new Philox(1), DType.FLOAT64, 3, 4, 5);
        check(x, new int[] {1});
        check(x, new int[] {0, 2});
        check(x, new int[] {0, 1, 2});
        check(x.transpose(0, 2), new int[] {1});          // strided view
        check(x.narrow(1, 1, 2), new int[] {0, 2});       // offset view
    }

    @Test
    void mismatchedShapesAndAxesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ReductionLayouts.of(new int[] {3, 4}, new int[] {4, 1}, 0,
                new int[] {1}, new int[] {3, 4}, new int[] {4, 1}, 0, "t"));
        assertThrows(IllegalArgumentException.class, () -> ReductionLayouts.of(new int[] {3, 4}, new int[] {4, 1}, 0,
                new int[] {1, 1}, new int[] {3, 1}, new int[] {1, 1}, 0, "t"));
        assertThrows(IllegalArgumentException.class, () -> ReductionLayouts.of(new int[] {3, 4}, new int[] {4, 1}, 0,
                new int[] {2}, new int[] {3, 1}, new int[] {1, 1}, 0, "t"));
    }
}
