package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Kernel parameters land at their C alignment with their exact bytes. */
class KernelArgsTest {

    @Test
    void valuesAreAlignedAsCLaysThemOut() {
        KernelLayout layout = new KernelLayout(new int[] {2, 3}, "t").slot(0, new long[] {3, 1}, 5);
        KernelArgs args = new KernelArgs().i32(7).i64(1L << 40).f32(1.5f).layout(layout).f64(-2.25).pointer(0xABCDEF00L)
                .i32(-1);
        // int at 0; long long at 8; float at 16; Layout3 (8-aligned) at 24; double at 280; pointer at 288; int at 296
        assertArrayEquals(new int[] {0, 8, 16, 24, 280, 288, 296}, args.offsets());
        assertEquals(7, args.count());
        ByteBuffer b = ByteBuffer.wrap(args.bytes()).order(ByteOrder.nativeOrder());
        assertEquals(300, b.capacity());
        assertEquals(7, b.getInt(0));
        assertEquals(1L << 40, b.getLong(8));
        assertEquals(1.5f, b.getFloat(16));
        assertEquals(2, b.getInt(24), "Layout3.rank");
        assertEquals(3, b.getInt(24 + 8), "Layout3.shape[1]");
        assertEquals(3L, b.getLong(24 + KernelLayout.STRIDE_OFFSET), "Layout3.stride[0][0]");
        assertEquals(5L, b.getLong(24 + KernelLayout.OFFSETS_OFFSET), "Layout3.offset[0]");
        assertEquals(-2.25, b.getDouble(280));
        assertEquals(0xABCDEF00L, b.getLong(288));
        assertEquals(-1, b.getInt(296));
    }

    @Test
    void manyParametersGrowTheBuffer() {
        KernelArgs args = new KernelArgs();
        for (int i = 0; i < 200; i++) {
            args.i64(i);
        }
        ByteBuffer b = ByteBuffer.wrap(args.bytes()).order(ByteOrder.nativeOrder());
        assertEquals(1600, b.capacity());
        assertEquals(199L, b.getLong(1592));
    }
}
