package dev.lethe.tensor.cpu;

import static dev.lethe.tensor.cpu.NnChecks.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.Tensor;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/**
 * Shapes large enough that the kernels split their work across threads, checked against the
 * same computation on single-row (serial) slices, and a check that kernels free their temporaries.
 */
class ParallelPathsTest {

    @Test
    void splitWorkEqualsPerSliceResults() {
        Tensor x = NnChecks.randn(1, DType.FLOAT32, 64, 1000);
        Tensor y = Softmax.forward(x, 1, true);
        for (int r : new int[] {0, 31, 32, 63}) {
            assertClose(y.select(0, r), Softmax.forward(x.narrow(0, r, 1), 1, true).toDoubleArray(), 0, "softmax row " + r);
        }
        Tensor img = NnChecks.randn(2, DType.FLOAT32, 4, 16, 32, 32);
        Tensor pooled = MaxPool2d.forward(img, Pool2dSpec.of(3, 2, 1)).output();
        Tensor ln = LayerNorm.forward(img, 2, null, null, 1e-5).output();
        for (int n : new int[] {0, 3}) {
            Tensor one = img.narrow(0, n, 1);
            assertClose(pooled.select(0, n), MaxPool2d.forward(one, Pool2dSpec.of(3, 2, 1)).output().toDoubleArray(), 0,
                    "max pool sample " + n);
            assertClose(ln.select(0, n), LayerNorm.forward(one, 2, null, null, 1e-5).output().toDoubleArray(), 0,
                    "layer norm sample " + n);
        }
        Tensor index = Tensor.randint(new Philox(3), 0, 50, 400, 300);
        Tensor src = NnChecks.randn(4, DType.FLOAT64, 400, 300);
        Tensor acc = Tensor.zeros(DType.FLOAT64, 50, 300);
        Indexing.scatterAdd(acc, 0, index, src);
        Tensor col = Tensor.zeros(DType.FLOAT64, 50, 1);
        Indexing.scatterAdd(col, 0, index.narrow(1, 299, 1), src.narrow(1, 299, 1));
        assertClose(acc.narrow(1, 299, 1), col.toDoubleArray(), 0, "scatter-add column");
    }

    @Test
    void kernelsFreeTheirTemporaries() {
        Tensor x = NnChecks.nonContiguous(NnChecks.randn(5, DType.FLOAT32, 4, 8, 12, 12));
        Tensor w = NnChecks.randn(6, DType.FLOAT32, 8, 8, 3, 3);
        Conv2dSpec s = Conv2dSpec.of(1, 1, 1);
        Tensor g = NnChecks.randn(7, DType.FLOAT32, 4, 8, 12, 12);
        try (MemoryScope scope = MemoryScope.open()) {
            long before = HostStorage.liveBytes();
            Tensor y = Conv2d.forward(x, w, null, s);
            Tensor dx = Conv2d.backwardData(g, w, x.shape(), s);
            Tensor dw = Conv2d.backwardWeight(g, x, w.shape(), s);
            Tensor bn = BatchNorm.forward(x, null, null, null, null, true, 0.1, 1e-5).output();
            long results = 4L * (y.numel() + dx.numel() + dw.numel() + bn.numel()) + 2 * 4 * 8; // + mean, invStd
            assertEquals(results, HostStorage.liveBytes() - before, "only the results stay allocated");
        }
        // The sample-parallel lowering: per-thread column buffers and weight-gradient partials.
        Tensor x1 = NnChecks.randn(8, DType.FLOAT32, 5, 4, 24, 24);
        Tensor w1 = NnChecks.randn(9, DType.FLOAT32, 6, 4, 1, 1);
        Conv2dSpec s2 = Conv2dSpec.of(2, 0, 1);
        Tensor g1 = NnChecks.randn(10, DType.FLOAT32, 5, 6, 12, 12);
        try (MemoryScope scope = MemoryScope.open()) {
            long before = HostStorage.liveBytes();
            Tensor y = Conv2d.forward(x1, w1, null, s2);
            Tensor dx = Conv2d.backwardData(g1, w1, x1.shape(), s2);
            Tensor dw = Conv2d.backwardWeight(g1, x1, w1.shape(), s2);
            assertEquals(4L * (y.numel() + dx.numel() + dw.numel()), HostStorage.liveBytes() - before,
                    "only the 1x1 stride-2 results stay allocated");
        }
    }

    @Test
    void sampleParallelLoopsRunSingleThreadedProductsAndRestoreTheThreadCount() {
        // The bundled OpenBLAS exports its thread-count variable, so the fast path is the one in use.
        assertTrue(SerialBlas.available(), "OpenBLAS's blas_cpu_number is found");
        int threads = CpuThreads.threads();
        assertEquals(threads, blasThreads());
        int[] seen = new int[8];
        CpuThreads.parallelForSerialBlas(8, 1, (s, e) -> {
            for (int i = s; i < e; i++) {
                seen[i] = blasThreads();
            }
        });
        for (int i = 0; i < 8; i++) {
            assertEquals(threads > 1 ? 1 : threads, seen[i], "products inside the loop run on one thread");
        }
        assertEquals(threads, blasThreads(), "all threads back after the loop");
        assertThrows(IllegalStateException.class, () -> CpuThreads.parallelForSerialBlas(8, 1, (s, e) -> {
            throw new IllegalStateException("failing body");
        }));
        assertEquals(threads, blasThreads(), "all threads back after a failing loop");
        // A loop too short to split keeps OpenBLAS on all threads for its one range.
        CpuThreads.parallelForSerialBlas(1, 1, (s, e) -> seen[0] = blasThreads());
        assertEquals(threads, seen[0]);
    }

    /** OpenBLAS's own thread count (the variable its products read), not a Java-side copy. */
    private static int blasThreads() {
        return new IntPointer(Loader.addressof("blas_cpu_number")).get(0);
    }
}
