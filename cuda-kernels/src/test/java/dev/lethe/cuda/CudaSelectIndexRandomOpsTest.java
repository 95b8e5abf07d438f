package dev.lethe.cuda;

import static dev.lethe.cuda.DeviceAgreement.CUDA;
import static dev.lethe.cuda.DeviceAgreement.assertClose;
import static dev.lethe.cuda.DeviceAgreement.backend;
import static dev.lethe.cuda.DeviceAgreement.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lethe.tensor.Backends;
import dev.lethe.tensor.BinaryOp;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.ReduceOp;
import dev.lethe.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Selection, indexing, dropout and integer arithmetic on the device against the CPU backend. All
 * of these are exact on both (integer counts, serial scans in the CPU's order, the same Philox
 * words), so they are compared for equality, not within a tolerance.
 */
@Tag("gpu")
class CudaSelectIndexRandomOpsTest {
    @BeforeAll
    static void requireDevice() {
        DeviceAgreement.requireDevice();
    }

    private static void assertSame(Tensor got, Tensor want, String what) {
        assertEquals(want.dtype(), got.dtype(), what + ": dtype");
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        double[] g = got.toDoubleArray();
        double[] w = want.toDoubleArray();
        for (int i = 0; i < w.length; i++) {
            assertEquals(0, Double.compare(w[i], g[i]), what + ": element " + i + " is " + g[i] + ", not " + w[i]);
        }
    }

    @Test
    void argmaxAndArgminMatchTheCpuWithTiesAndNan() {
        for (DType t : DType.values()) {
            Tensor x = randn(1, DType.FLOAT64, 7, 33, 5).mul(2).map(dev.lethe.tensor.UnaryOp.SIGN).mul(3).to(t); // many ties
            if (t.isFloating()) {
                x.narrow(0, 2, 1).narrow(1, 4, 1).fill_(Double.NaN);
            }
            for (int axis = 0; axis < 3; axis++) {
                for (boolean keep : new boolean[] {false, true}) {
                    assertSame(x.to(CUDA).argmax(axis, keep), x.argmax(axis, keep), t + " argmax axis " + axis);
                    assertSame(x.to(CUDA).argmin(axis, keep), x.argmin(axis, keep), t + " argmin axis " + axis);
                }
            }
            assertSame(x.transpose(0, 2).to(CUDA).argmax(1, false), x.transpose(0, 2).argmax(1, false), t + " of a view");
        }
    }

    @Test
    void kthLargestMatchesTheCpuForEveryKindOfValue() {
        Tensor x = randn(2, DType.FLOAT32, 100_003);
        x.narrow(0, 0, 1000).fill_(0.0);
        x.narrow(0, 1000, 10).fill_(-0.0);
        x.narrow(0, 2000, 3).fill_(Double.POSITIVE_INFINITY);
        x.narrow(0, 3000, 2).fill_(Double.NaN);
        Tensor d = x.to(CUDA);
        for (long k : new long[] {1, 2, 3, 5, 6, 1000, 50_000, 99_000, 100_003}) {
            assertEquals(0, Double.compare(x.kthLargest(k), d.kthLargest(k)), "k = " + k);
        }
        Tensor ints = Tensor.randint(new Philox(3), -5, 5, 4097);
        for (long k : new long[] {1, 100, 4097}) {
            assertEquals(ints.kthLargest(k), ints.to(CUDA).kthLargest(k), "int64, k = " + k);
        }
        assertThrows(IllegalArgumentException.class, () -> d.kthLargest(0));
    }

    @Test
    void gatherScatterAndIndexOpsMatchTheCpuBitForBit() {
        for (DType t : DType.values()) {
            Tensor x = randn(4, DType.FLOAT64, 6, 9, 4).mul(10).to(t);
            Tensor index = Tensor.randint(new Philox(5), 0, 9, 6, 12, 4); // duplicates along axis 1
            Tensor src = randn(6, DType.FLOAT64, 6, 12, 4).mul(10).to(t);
            assertSame(x.to(CUDA).gather(1, index.to(CUDA)), x.gather(1, index), t + " gather");
            assertSame(x.to(CUDA).gather(1, index.to(DType.INT32).to(CUDA)), x.gather(1, index), t + " int32 index");
            Tensor acc = x.copy();
            Tensor accD = x.to(CUDA);
            acc.scatterAdd_(1, index, src);
            accD.scatterAdd_(1, index.to(CUDA), src.to(CUDA));
            assertSame(accD, acc, t + " scatterAdd (duplicates accumulate in index order)");

            Tensor rows = Tensor.of(new long[] {3, 0, 3, 5, 1, 3}, 6);
            assertSame(x.to(CUDA).indexSelect(0, rows.to(CUDA)), x.indexSelect(0, rows), t + " indexSelect");
            assertSame(x.to(CUDA).transpose(0, 2).indexSelect(2, rows.to(CUDA)), x.transpose(0, 2).indexSelect(2, rows),
                    t + " indexSelect of a view");
            Tensor add = x.copy();
            Tensor addD = x.to(CUDA);
            Tensor rowsSrc = randn(7, DType.FLOAT64, 6, 9, 4).to(t);
            add.indexAdd_(0, rows, rowsSrc);
            addD.indexAdd_(0, rows.to(CUDA), rowsSrc.to(CUDA));
            assertSame(addD, add, t + " indexAdd");
        }
        Tensor x = randn(8, DType.FLOAT32, 5, 3).to(CUDA);
        assertThrows(IndexOutOfBoundsException.class, () -> x.gather(0, Tensor.of(new long[] {0, 5, 1}, 1, 3).to(CUDA)));
        assertThrows(IndexOutOfBoundsException.class, () -> backend().gather(x, 0, Tensor.of(new long[] {0, -1, 1}, 1, 3)
                .to(CUDA)), "the kernel's own check, below the front end's");
        backend().synchronize();
    }

    @Test
    void dropoutMasksEqualTheCpuForTheSameSeed() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (int n : new int[] {1, 7, 4096, 1_000_003}) {
                Philox cpuRng = new Philox(42);
                Philox gpuRng = new Philox(42);
                cpuRng.advance(3);
                gpuRng.advance(3);
                Tensor want = Backends.cpu().dropoutMask(new int[] {n}, t, 0.25, cpuRng);
                Tensor got = backend().dropoutMask(new int[] {n}, t, 0.25, gpuRng);
                assertSame(got, want, t + " mask of " + n);
                assertEquals(cpuRng.counter(), gpuRng.counter(), "both advance the stream alike");
            }
        }
    }

    @Test
    void integerArithmeticAndReductionsMatchTheCpu() {
        for (DType t : new DType[] {DType.INT32, DType.INT64}) {
            Tensor a = Tensor.randint(new Philox(9), -50, 50, 8, 16).to(t);
            Tensor b = Tensor.randint(new Philox(10), 1, 50, 16).to(t);
            for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.EQ,
                BinaryOp.GT, BinaryOp.MAXIMUM}) {
                assertSame(a.to(CUDA).zip(op, b.to(CUDA)), a.zip(op, b), t + " " + op.label());
            }
            for (ReduceOp op : ReduceOp.values()) {
                assertSame(a.to(CUDA).reduce(op, new int[] {1}, false), a.reduce(op, new int[] {1}, false), t + " " + op);
            }
            assertClose(a.to(CUDA).to(DType.FLOAT32), a.to(DType.FLOAT32), 0, t + " -> float32");
        }
    }
}
