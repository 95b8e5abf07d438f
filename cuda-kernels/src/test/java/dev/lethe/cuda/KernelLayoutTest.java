package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Coalescing a launch's layouts changes which dimensions the kernel divides by, never which
 * elements a logical index reaches: checked with the kernels' own index arithmetic
 * ({@link ReductionLayoutsTest#offsets3}, the Java twin of {@code offsets3}) on the struct bytes.
 */
class KernelLayoutTest {

    private static ByteBuffer bytes(KernelLayout k) {
        return ByteBuffer.wrap(k.toBytes()).order(ByteOrder.nativeOrder());
    }

    private static int rank(KernelLayout k) {
        return bytes(k).getInt(0);
    }

    private static long[] contiguous(int[] shape) {
        long[] s = new long[shape.length];
        long step = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            s[d] = step;
            step *= shape[d];
        }
        return s;
    }

    private static void assertSameWalk(KernelLayout[] before, KernelLayout[] after) {
        long n = before[0].numel();
        assertEquals(n, after[0].numel());
        for (int k = 0; k < before.length; k++) {
            ByteBuffer b = bytes(before[k]);
            ByteBuffer a = bytes(after[k]);
            for (long i = 0; i < n; i++) {
                assertArrayEquals(ReductionLayoutsTest.offsets3(b, i), ReductionLayoutsTest.offsets3(a, i),
                        "layout " + k + ", index " + i);
            }
        }
    }

    @Test
    void contiguousOperandsOfOneShapeBecomeOneDimension() {
        int[] shape = {4, 3, 5, 2};
        long[] s = contiguous(shape);
        KernelLayout k = new KernelLayout(shape, "test").slot(0, s, 0).slot(1, s, 7).slot(2, s, 3);
        KernelLayout c = k.coalesced();
        assertEquals(1, rank(c));
        assertSameWalk(new KernelLayout[] {k}, new KernelLayout[] {c});
    }

    @Test
    void aBiasBroadcastOverBatchAndPlaneKeepsThreeDimensions() {
        int[] shape = {8, 16, 5, 5}; // out [N, C, H, W] + bias [1, C, 1, 1]
        KernelLayout k = new KernelLayout(shape, "test").slot(0, contiguous(shape), 0).slot(1, contiguous(shape), 0)
                .slot(2, new long[] {0, 1, 0, 0}, 0);
        KernelLayout c = k.coalesced();
        assertEquals(3, rank(c), "N | C | H·W");
        assertSameWalk(new KernelLayout[] {k}, new KernelLayout[] {c});
    }

    @Test
    void randomViewsWalkTheSameElementsAfterCoalescing() {
        Random r = new Random(5);
        for (int trial = 0; trial < 300; trial++) {
            int rank = 1 + r.nextInt(5);
            int[] shape = new int[rank];
            for (int d = 0; d < rank; d++) {
                shape[d] = 1 + r.nextInt(4);
            }
            KernelLayout[] layouts = new KernelLayout[1 + r.nextInt(2)];
            for (int k = 0; k < layouts.length; k++) {
                layouts[k] = new KernelLayout(shape, "test");
                for (int s = 0; s < 3; s++) {
                    long[] st = contiguous(shape);
                    switch (r.nextInt(4)) {
                        case 0 -> { } // contiguous
                        case 1 -> st[r.nextInt(rank)] = 0; // broadcast along one dimension
                        case 2 -> { // a permuted (transposed) view
                            int a = r.nextInt(rank);
                            int b = r.nextInt(rank);
                            long t = st[a];
                            st[a] = st[b];
                            st[b] = t;
                        }
                        default -> { // a strided slice
                            for (int d = 0; d < rank; d++) {
                                st[d] *= 2;
                            }
                        }
                    }
                    layouts[k].slot(s, st, r.nextInt(9));
                }
            }
            assertSameWalk(layouts, KernelLayout.coalesce(layouts));
        }
    }

    @Test
    void layoutsWalkedTogetherNeedOneShape() {
        assertThrows(IllegalArgumentException.class, () -> KernelLayout.coalesce(new KernelLayout(new int[] {2, 3}, "a"),
                new KernelLayout(new int[] {3, 2}, "b")));
    }
}
