package dev.lethe.tensor.cpu;

import static dev.lethe.tensor.cpu.NnChecks.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.Tensor;
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
    }
}
