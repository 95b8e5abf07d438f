package dev.lethe.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryScopeTest {

    @Test
    void scopeFreesWhatItAllocatedExceptKeptTensors() {
        long before = HostStorage.liveBytes();
        Tensor kept;
        Tensor dropped;
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor a = Tensor.ones(DType.FLOAT32, 256, 256);
            dropped = a.mul(2.0);
            kept = scope.keep(a.sum());
            assertTrue(HostStorage.liveBytes() - before >= 2 * 256 * 256 * 4);
        }
        assertTrue(dropped.storage().isReleased());
        assertFalse(kept.storage().isReleased());
        assertEquals(65536.0, kept.item());
        kept.close();
        assertEquals(before, HostStorage.liveBytes());
    }

    @Test
    void keepMovesToTheEnclosingScope() {
        Tensor inner;
        try (MemoryScope outer = MemoryScope.open()) {
            try (MemoryScope scope = MemoryScope.open()) {
                inner = scope.keep(Tensor.zeros(DType.FLOAT64, 4));
            }
            assertFalse(inner.storage().isReleased());
        }
        assertTrue(inner.storage().isReleased(), "the outer scope freed what the inner one kept");
    }

    @Test
    void useAfterFreeIsAnExceptionNotACrash() {
        Tensor t;
        try (MemoryScope scope = MemoryScope.open()) {
            t = Tensor.ones(DType.FLOAT32, 8);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> t.add(t));
        assertTrue(e.getMessage().contains("freed"), e.getMessage());
    }

    @Test
    void scopesMustCloseInnermostFirst() {
        MemoryScope outer = MemoryScope.open();
        MemoryScope inner = MemoryScope.open();
        assertThrows(IllegalStateException.class, outer::close);
        inner.close();
        outer.close();
    }

    @Test
    void largeReleasedBlocksAreReusedNotRemapped() {
        HostStorage.releaseCachedBlocks();
        long address;
        try (Tensor big = Tensor.empty(DType.FLOAT32, 1 << 20)) { // 4 MB
            address = ((HostStorage) big.storage()).address();
        }
        assertEquals(4L << 20, HostStorage.cachedBytes());
        try (Tensor again = Tensor.empty(DType.FLOAT32, 1 << 20)) {
            assertEquals(address, ((HostStorage) again.storage()).address(), "the cached block came back");
            assertEquals(0, HostStorage.cachedBytes());
        }
        HostStorage.releaseCachedBlocks();
        assertEquals(0, HostStorage.cachedBytes());
    }

    @Test
    void manyStepsHoldFlatMemory() {
        Tensor w = MemoryScope.detach(Tensor.full(0.5, DType.FLOAT32, 64, 64));
        long start = HostStorage.liveBytes();
        for (int step = 0; step < 2000; step++) {
            try (MemoryScope scope = MemoryScope.open()) {
                Tensor x = Tensor.ones(DType.FLOAT32, 16, 64);
                Tensor y = x.matmul(w).relu().sum(new int[] {0}, false);
                w.sub_(y.mul(1e-6).unsqueeze(0));
            }
        }
        assertEquals(start, HostStorage.liveBytes(), "every temporary was freed");
        w.close();
    }
}
