package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.lethe.cuda.DeviceAgreement.CUDA;
import static dev.lethe.cuda.DeviceAgreement.assertClose;
import static dev.lethe.cuda.DeviceAgreement.backend;
import static dev.lethe.cuda.DeviceAgreement.randn;
import static dev.lethe.cuda.DeviceAgreement.tol;

import dev.lethe.tensor.Backends;
import dev.lethe.tensor.BinaryOp;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.ReduceOp;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.UnaryOp;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The device ops against the CPU backend on the same inputs, compared in float64 as relative
 * error ‖gpu − cpu‖ / ‖cpu‖: at most 1e-5 for float32 elementwise ops and reductions, 1e-4 for
 * float32 products (TF32 off), 1e-12 in float64. Runs only where a CUDA device exists.
 */
@Tag("gpu")
class CudaOpsTest {
    @BeforeAll
    static void requireDevice() {
        DeviceAgreement.requireDevice();
    }

    @Test
    void everyDtypeRoundTripsThroughTheDeviceIncludingViews() {
        for (DType t : DType.values()) {
            Tensor host = randn(1, DType.FLOAT64, 5, 7).mul(100).to(t);
            Tensor dev = host.to(CUDA);
            assertEquals(CUDA, dev.device());
            assertArrayEquals(host.toDoubleArray(), dev.to(Device.CPU).toDoubleArray(), 0.0, t + " round trip");
            Tensor view = host.transpose(0, 1).narrow(0, 2, 4);
            assertArrayEquals(view.toDoubleArray(), view.to(CUDA).toDoubleArray(), 0.0, t + " view to device");
            assertArrayEquals(view.toDoubleArray(), dev.transpose(0, 1).narrow(0, 2, 4).toDoubleArray(), 0.0,
                    t + " device view to host");
            Tensor target = Tensor.zeros(DType.FLOAT64, 7, 5).to(CUDA);
            target.transpose(0, 1).copyFrom_(host);
            assertArrayEquals(host.transpose(0, 1).toDoubleArray(), target.toDoubleArray(), 0.0, t + " into a device view");
        }
        Tensor big = randn(2, DType.FLOAT32, 3, 1 << 20); // 12 MB: more than one staging chunk
        assertArrayEquals(big.toFloatArray(), big.to(CUDA).toFloatArray(), 0f);
    }

    @Test
    void fillCatAndConversionMatchTheCpu() {
        Tensor d = Tensor.zeros(DType.FLOAT32, 4, 6).to(CUDA);
        d.narrow(1, 1, 3).fill_(2.5);
        Tensor h = Tensor.zeros(DType.FLOAT32, 4, 6);
        h.narrow(1, 1, 3).fill_(2.5);
        assertClose(d, h, 0, "fill of a view");
        Tensor a = randn(3, DType.FLOAT64, 2, 3);
        Tensor b = randn(4, DType.FLOAT64, 2, 5);
        assertClose(Tensor.cat(List.of(a.to(CUDA), b.to(CUDA)), 1), Tensor.cat(List.of(a, b), 1), 0, "cat");
        assertClose(a.to(CUDA).to(DType.INT64), a.to(DType.INT64), 0, "float64 -> int64 truncates as on the CPU");
    }

    @Test
    void unaryOpsMatchTheCpu() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = randn(5, t, 33, 17);
            Tensor pos = x.abs().add(0.1);
            for (UnaryOp op : UnaryOp.values()) {
                Tensor in = op == UnaryOp.SQRT || op == UnaryOp.RSQRT || op == UnaryOp.LOG ? pos : x;
                assertClose(in.to(CUDA).map(op), in.map(op), tol(t, false), t + " " + op);
                assertClose(in.transpose(0, 1).to(CUDA).map(op), in.transpose(0, 1).map(op), tol(t, false),
                        t + " " + op + " of a view");
            }
        }
    }

    @Test
    void binaryOpsBroadcastAndMatchTheCpu() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor a = randn(6, t, 4, 1, 9);
            Tensor b = randn(7, t, 5, 9);
            Tensor ad = a.to(CUDA);
            Tensor bd = b.to(CUDA);
            for (BinaryOp op : BinaryOp.values()) {
                Tensor x = op == BinaryOp.POW ? a.abs() : a;
                Tensor xd = op == BinaryOp.POW ? ad.abs() : ad;
                assertClose(xd.zip(op, bd), x.zip(op, b), tol(t, false), t + " " + op.label());
            }
            Tensor acc = ad.expand(4, 5, 9).copy();
            acc.zip_(BinaryOp.ADD, bd);
            assertClose(acc, a.expand(4, 5, 9).copy().add(b), tol(t, false), t + " in place");
            Tensor cond = b.gt(0);
            assertClose(Tensor.where(cond.to(CUDA), ad, bd), Tensor.where(cond, a, b), 0, t + " where");
        }
        assertClose(randn(8, DType.FLOAT32, 3).to(CUDA).add(randn(9, DType.FLOAT64, 3).to(CUDA)),
                randn(8, DType.FLOAT32, 3).add(randn(9, DType.FLOAT64, 3)), 1e-7, "mixed dtypes promote");
    }

    @Test
    void reductionsOverAnyAxesMatchTheCpu() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = randn(10, t, 6, 70, 5);
            Tensor xd = x.to(CUDA);
            for (int[] axes : new int[][] {{0}, {1}, {2}, {0, 2}, {0, 1, 2}}) {
                for (ReduceOp op : ReduceOp.values()) {
                    assertClose(xd.reduce(op, axes, true), x.reduce(op, axes, true), tol(t, false),
                            t + " " + op + " over " + java.util.Arrays.toString(axes));
                }
            }
            assertClose(xd.transpose(0, 2).sum(1, false), x.transpose(0, 2).sum(1, false), tol(t, false), t + " view");
            Tensor big = randn(11, t, 1 << 20);
            assertClose(big.to(CUDA).sum(), big.sum(), tol(t, false), t + " sum of 1M");
        }
    }

    @Test
    void productsMatchTheCpu() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor a = randn(12, t, 64, 96);
            Tensor b = randn(13, t, 96, 80);
            assertClose(a.to(CUDA).matmul(b.to(CUDA)), a.matmul(b), tol(t, true), t + " plain");
            Tensor at = randn(14, t, 96, 64).transpose(0, 1);
            Tensor bt = randn(15, t, 80, 96).transpose(0, 1);
            assertClose(at.to(CUDA).matmul(bt.to(CUDA)), at.matmul(bt), tol(t, true), t + " both transposed (copied there)");
            Tensor dat = randn(14, t, 96, 64).to(CUDA).transpose(0, 1);
            Tensor dbt = randn(15, t, 80, 96).to(CUDA).transpose(0, 1);
            assertClose(dat.matmul(dbt), at.matmul(bt), tol(t, true), t + " transposed views as flags");
            Tensor ba = randn(16, t, 3, 4, 16, 24);
            Tensor bb = randn(17, t, 24, 8);
            assertClose(ba.to(CUDA).matmul(bb.to(CUDA)), ba.matmul(bb), tol(t, true), t + " batched, b broadcast");
            Tensor pa = randn(18, t, 2, 1, 16, 24);
            Tensor pb = randn(19, t, 1, 3, 24, 8);
            assertClose(pa.to(CUDA).matmul(pb.to(CUDA)), pa.matmul(pb), tol(t, true), t + " batched, both broadcast");
        }
    }

    @Test
    void softmaxAndCrossEntropyMatchTheCpu() {
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor x = randn(25, t, 4, 37, 3).mul(3);
            Tensor g = randn(26, t, 4, 37, 3);
            for (int axis : new int[] {0, 1, 2}) {
                for (boolean log : new boolean[] {false, true}) {
                    String what = t + (log ? " log-softmax" : " softmax") + " axis " + axis;
                    Tensor y = Backends.cpu().softmax(x, axis, log);
                    Tensor yd = backend().softmax(x.to(CUDA), axis, log);
                    assertClose(yd, y, tol(t, false), what);
                    assertClose(backend().softmaxBackward(g.to(CUDA), yd, axis, log),
                            Backends.cpu().softmaxBackward(g, y, axis, log), tol(t, false), what + " backward");
                }
            }
            Tensor logits = randn(27, t, 64, 10).mul(2);
            Tensor targets = Tensor.randint(new Philox(28), 0, 10, 64);
            for (double smoothing : new double[] {0.0, 0.1}) {
                var cpu = Backends.cpu().crossEntropy(logits, targets, smoothing);
                var gpu = backend().crossEntropy(logits.to(CUDA), targets.to(CUDA), smoothing);
                assertClose(gpu.loss(), cpu.loss(), tol(t, false), t + " cross-entropy, smoothing " + smoothing);
                assertClose(gpu.logProbs(), cpu.logProbs(), tol(t, false), t + " log p");
                assertClose(backend().crossEntropyBackward(0.7, gpu, targets.to(CUDA), smoothing),
                        Backends.cpu().crossEntropyBackward(0.7, cpu, targets, smoothing), tol(t, false),
                        t + " cross-entropy backward, smoothing " + smoothing);
            }
            Tensor bad = Tensor.of(new long[] {1, 10, 2, -1}, 4).to(CUDA);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> backend().crossEntropy(logits.narrow(0, 0, 4).to(CUDA), bad, 0));
            assertTrue(e.getMessage().contains("target 10 at position 1"), e.getMessage());
        }
    }

    @Test
    void scopesReturnDeviceMemoryToTheCacheAndHoldItFlat() {
        CudaBackend cuda = backend();
        Tensor w = randn(20, DType.FLOAT32, 64, 64).to(CUDA);
        long before = cuda.allocatorStats().inUseBytes();
        long cachedAfterFirst = -1;
        for (int step = 0; step < 2000; step++) {
            try (MemoryScope scope = MemoryScope.open()) {
                Tensor x = randn(step, DType.FLOAT32, 32, 64).to(CUDA);
                Tensor y = x.matmul(w).relu().sum(0, false);
                y.mul(0.5).sum();
            }
            assertEquals(before, cuda.allocatorStats().inUseBytes(), "step " + step + " left device memory in use");
            if (step == 0) {
                cachedAfterFirst = cuda.allocatorStats().cachedBytes();
            }
        }
        assertEquals(cachedAfterFirst, cuda.allocatorStats().cachedBytes(), "the cache stops growing after the first step");
    }

    @Test
    void badInputIsAnExceptionBeforeAnyLaunch() {
        Tensor a = randn(21, DType.FLOAT32, 3, 4).to(CUDA);
        Tensor b = randn(22, DType.FLOAT32, 5, 6).to(CUDA);
        assertThrows(IllegalArgumentException.class, () -> a.matmul(b));
        assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertThrows(RuntimeException.class, () -> a.add(randn(23, DType.FLOAT32, 3, 4)), "mixed devices");
        Tensor freed = randn(24, DType.FLOAT32, 3).to(CUDA);
        freed.close();
        assertThrows(IllegalStateException.class, () -> freed.add(1.0));
        backend().synchronize(); // no launch failed asynchronously
    }
}
