package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Shape, stride and offset checks made before a launch, and the byte layout of Layout3. */
class LaunchChecksTest {

    @Test
    void viewsOfRealTensorsLieInsideTheirStorage() {
        try (MemoryScope s = MemoryScope.open()) {
            Tensor t = Tensor.arange(24).reshape(2, 3, 4);
            assertDoesNotThrow(() -> LaunchChecks.checkWithinStorage(t, "test"));
            assertDoesNotThrow(() -> LaunchChecks.checkWithinStorage(t.transpose(0, 2), "test"));
            assertDoesNotThrow(() -> LaunchChecks.checkWithinStorage(t.narrow(2, 1, 3), "test"));
            assertDoesNotThrow(() -> LaunchChecks.checkWithinStorage(t.select(0, 1).expand(5, 3, 4), "test"));
        }
    }

    @Test
    void aViewReachingPastItsStorageIsRefusedNamingTheOp() {
        // 12 elements of 4 bytes = 48 bytes; offset 1 with 3x4 contiguous reaches element 12.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                LaunchChecks.checkWithinStorage(new int[] {3, 4}, new int[] {4, 1}, 1, 4, 48, "add"));
        assertTrue(e.getMessage().startsWith("add:") && e.getMessage().contains("1..12"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () ->
                LaunchChecks.checkWithinStorage(new int[] {3}, new int[] {-1}, 1, 4, 48, "flip"));
        assertDoesNotThrow(() -> LaunchChecks.checkWithinStorage(new int[] {3}, new int[] {-1}, 2, 4, 48, "flip"));
        assertDoesNotThrow(() -> LaunchChecks.checkWithinStorage(new int[] {0, 4}, new int[] {4, 1}, 99, 4, 48, "empty"));
    }

    @Test
    void broadcastingGivesZeroStridesAndRefusesMismatches() {
        assertArrayEquals(new long[] {0, 0, 1}, LaunchChecks.broadcastStrides(new int[] {4}, new int[] {1}, new int[] {2, 3, 4}, "mul"));
        assertArrayEquals(new long[] {0, 1, 0}, LaunchChecks.broadcastStrides(new int[] {3, 1}, new int[] {1, 1}, new int[] {2, 3, 4}, "mul"));
        assertArrayEquals(new long[] {12, 4, 1}, LaunchChecks.broadcastStrides(new int[] {2, 3, 4}, new int[] {12, 4, 1}, new int[] {2, 3, 4}, "mul"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
                LaunchChecks.broadcastStrides(new int[] {64, 10}, new int[] {10, 1}, new int[] {64, 12}, "add"));
        assertEquals("add: shape [64, 10] does not broadcast to [64, 12]", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LaunchChecks.checkRank(new int[9], "sum"));
    }

    @Test
    void layoutBytesMatchTheStructNvccCompiles() {
        // lethe_kernels.cuh static_asserts the same sizes, so host and device agree at build time.
        byte[] bytes = new KernelLayout(new int[] {2, 3}, "test")
                .slot(0, new long[] {3, 1}, 5)
                .slot(2, new long[] {0, 1}, 7)
                .toBytes();
        assertEquals(256, bytes.length);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        assertEquals(2, b.getInt(0));
        assertEquals(2, b.getInt(4));
        assertEquals(3, b.getInt(8));
        assertEquals(3, b.getLong(40));
        assertEquals(1, b.getLong(48));
        assertEquals(0, b.getLong(40 + 2 * 64));
        assertEquals(1, b.getLong(40 + 2 * 64 + 8));
        assertEquals(5, b.getLong(232));
        assertEquals(0, b.getLong(240));
        assertEquals(7, b.getLong(248));
        assertEquals(6, new KernelLayout(new int[] {2, 3}, "test").numel());
        assertThrows(IllegalArgumentException.class, () -> new KernelLayout(new int[9], "test"));
    }
}
