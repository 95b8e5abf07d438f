package dev.lethe.cuda;

import static dev.lethe.cuda.DeviceAgreement.CUDA;
import static dev.lethe.cuda.DeviceAgreement.assertClose;
import static dev.lethe.cuda.DeviceAgreement.backend;
import static dev.lethe.cuda.DeviceAgreement.randn;
import static dev.lethe.cuda.DeviceAgreement.tol;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Backends;
import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * cuDNN convolutions and cuSOLVER dense solvers against the CPU backend on the same inputs, as
 * relative error: convolutions 1e-4 in float32 (TF32 off) and 1e-12 in float64; solvers 1e-10
 * in float64 (a factorisation's rounding grows with the condition number, which these
 * diagonally loaded matrices keep small). Runs only where a CUDA device exists.
 */
@Tag("gpu")
class CudaConvSolveOpsTest {
    @BeforeAll
    static void requireDevice() {
        DeviceAgreement.requireDevice();
    }

    /** A convolution shape: input [n, c, h, w], weight [o, c, kh, kw]. */
    private record Shape(String name, int n, int c, int h, int w, int o, int kh, int kw, Conv2dSpec spec) {
    }

    /** The ResNet-18 layer kinds at reduced sizes, plus dilation and unequal strides and padding. */
    private static final List<Shape> SHAPES = List.of(
            new Shape("7x7 s2 p3 stem", 2, 3, 32, 32, 16, 7, 7, Conv2dSpec.of(2, 3, 1)),
            new Shape("3x3 s1 p1", 2, 16, 14, 14, 16, 3, 3, Conv2dSpec.of(1, 1, 1)),
            new Shape("3x3 s2 p1", 2, 16, 14, 14, 32, 3, 3, Conv2dSpec.of(2, 1, 1)),
            new Shape("1x1 s2 downsample", 2, 16, 14, 14, 32, 1, 1, Conv2dSpec.of(2, 0, 1)),
            new Shape("3x3 dilation 2", 2, 8, 12, 12, 8, 3, 3, Conv2dSpec.of(1, 2, 2)),
            new Shape("3x2 unequal stride, padding, dilation", 3, 5, 11, 9, 6, 3, 2, new Conv2dSpec(2, 1, 1, 0, 1, 2)));

    @Test
    void forwardMatchesTheCpuWithAndWithoutBias() {
        Backend cpu = Backends.cpu();
        int seed = 100;
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
            for (Shape s : SHAPES) {
                Tensor x = randn(seed++, t, s.n, s.c, s.h, s.w);
                Tensor w = randn(seed++, t, s.o, s.c, s.kh, s.kw);
                Tensor b = randn(seed++, t, s.o);
                String what = "conv2d " + s.name + " " + t;
                assertClose(backend().conv2d(x.to(CUDA), w.to(CUDA), null, s.spec).to(Device.CPU),
                        cpu.conv2d(x, w, null, s.spec), tol(t, true), what);
                assertClose(backend().conv2d(x.to(CUDA), w.to(CUDA), b.to(CUDA), s.spec).to(Device.CPU),
                        cpu.conv2d(x, w, b, s.spec), tol(t, true), what + " with bias");
            }
        }
    }

    @Test
    void gradientsMatchTheCpu() {
        Backend cpu = Backends.cpu();
        int seed = 200;
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64)) {
            for (Shape s : SHAPES) {
                Tensor x = randn(seed++, t, s.n, s.c, s.h, s.w);
                Tensor w = randn(seed++, t, s.o, s.c, s.kh, s.kw);
                int[] outShape = {s.n, s.o, s.spec.outH(s.h, s.kh), s.spec.outW(s.w, s.kw)};
                Tensor dy = randn(seed++, t, outShape);
                String what = s.name + " " + t;
                assertClose(backend().conv2dBackwardData(dy.to(CUDA), w.to(CUDA), x.shape(), s.spec)
                                .to(Device.CPU),
                        cpu.conv2dBackwardData(dy, w, x.shape(), s.spec), tol(t, true), "backward data " + what);
                assertClose(backend().conv2dBackwardWeight(dy.to(CUDA), x.to(CUDA), w.shape(), s.spec)
                                .to(Device.CPU),
                        cpu.conv2dBackwardWeight(dy, x, w.shape(), s.spec), tol(t, true), "backward weight " + what);
            }
        }
    }

    @Test
    void nonContiguousOperandsAreMadeContiguousFirst() {
        Conv2dSpec spec = Conv2dSpec.of(1, 1, 1);
        Tensor xt = randn(300, DType.FLOAT32, 2, 4, 9, 7);
        Tensor wt = randn(301, DType.FLOAT32, 4, 5, 3, 3);
        Tensor x = xt.transpose(2, 3); // a [2, 4, 7, 9] view
        Tensor w = wt.transpose(0, 1); // a [5, 4, 3, 3] view: 5 output, 4 input channels
        Tensor dx = xt.to(CUDA).transpose(2, 3);
        Tensor dw = wt.to(CUDA).transpose(0, 1);
        assertFalse(dx.isContiguous());
        assertFalse(dw.isContiguous());
        assertClose(backend().conv2d(dx, dw, null, spec).to(Device.CPU),
                Backends.cpu().conv2d(x, w, null, spec), tol(DType.FLOAT32, true), "conv2d of views");
    }

    @Test
    void algorithmIsChosenOncePerShape() {
        Conv2dSpec spec = Conv2dSpec.of(1, 1, 1);
        Tensor x = randn(400, DType.FLOAT32, 1, 3, 13, 11).to(CUDA); // a shape no other test uses
        Tensor w = randn(401, DType.FLOAT32, 5, 3, 3, 3).to(CUDA);
        long planned = ConvAlgorithmCache.totalPlanned();
        long reused = ConvAlgorithmCache.totalReused();
        backend().conv2d(x, w, null, spec);
        assertEquals(planned + 1, ConvAlgorithmCache.totalPlanned(), "first call plans");
        backend().conv2d(x, w, null, spec);
        assertEquals(planned + 1, ConvAlgorithmCache.totalPlanned(), "second call does not plan again");
        assertEquals(reused + 1, ConvAlgorithmCache.totalReused(), "second call is a cache hit");
    }

    @Test
    void badShapesAreExceptionsBeforeAnyNativeCall() {
        Tensor x = randn(500, DType.FLOAT32, 1, 4, 8, 8).to(CUDA);
        Tensor grouped = randn(501, DType.FLOAT32, 8, 2, 3, 3).to(CUDA); // groups = 2 is not in the SPI
        assertThrows(IllegalArgumentException.class, () -> backend().conv2d(x, grouped, null, Conv2dSpec.of(1, 0, 1)));
        Tensor big = randn(502, DType.FLOAT32, 2, 4, 11, 11).to(CUDA);
        assertThrows(IllegalArgumentException.class, () -> backend().conv2d(x, big, null, Conv2dSpec.of(1, 1, 1)));
        Tensor w64 = randn(503, DType.FLOAT64, 2, 4, 3, 3).to(CUDA);
        assertThrows(IllegalArgumentException.class, () -> backend().conv2d(x, w64, null, Conv2dSpec.of(1, 1, 1)));
        Tensor hostW = randn(504, DType.FLOAT32, 2, 4, 3, 3);
        assertThrows(IllegalArgumentException.class, () -> backend().conv2d(x, hostW, null, Conv2dSpec.of(1, 1, 1)));
        backend().synchronize();
    }

    @Test
    void convolutionMemoryStaysFlatAcrossRepeatedSteps() {
        CudaBackend cuda = backend();
        Conv2dSpec spec = Conv2dSpec.of(1, 1, 1);
        Tensor w = randn(600, DType.FLOAT32, 16, 8, 3, 3).to(CUDA);
        Tensor b = randn(601, DType.FLOAT32, 16).to(CUDA);
        long before = cuda.allocatorStats().inUseBytes();
        long cachedAfterFirst = -1;
        for (int step = 0; step < 200; step++) {
            try (MemoryScope scope = MemoryScope.open()) {
                Tensor x = randn(step, DType.FLOAT32, 4, 8, 16, 16).to(CUDA);
                Tensor y = cuda.conv2d(x, w, b, spec);
                Tensor dy = y.relu();
                cuda.conv2dBackwardData(dy, w, x.shape(), spec);
                cuda.conv2dBackwardWeight(dy, x, w.shape(), spec);
            }
            assertEquals(before, cuda.allocatorStats().inUseBytes(), "step " + step + " left device memory in use");
            if (step == 0) {
                cachedAfterFirst = cuda.allocatorStats().cachedBytes();
            }
        }
        assertEquals(cachedAfterFirst, cuda.allocatorStats().cachedBytes(), "the cache stops growing after the first step");
    }

    /** A symmetric positive-definite float64 matrix: M·Mᵀ + n·I. */
    private static Tensor spd(int seed, int n) {
        Tensor m = randn(seed, DType.FLOAT64, n, n);
        return m.matmul(m.t()).add(Tensor.eye(n, DType.FLOAT64).mul(n));
    }

    @Test
    void choleskyAndItsSolveMatchTheCpu() {
        Backend cpu = Backends.cpu();
        for (int n : new int[] {1, 5, 64, 257}) {
            Tensor a = spd(700 + n, n);
            Tensor l = cpu.cholesky(a);
            Tensor got = backend().cholesky(a.to(CUDA));
            assertClose(got.to(Device.CPU), l, 1e-10, "cholesky n=" + n);
            for (int[] bShape : new int[][] {{n}, {n, 1}, {n, 3}}) {
                Tensor b = randn(800 + n, DType.FLOAT64, bShape);
                assertClose(backend().choleskySolve(got, b.to(CUDA)).to(Device.CPU),
                        cpu.choleskySolve(l, b), 1e-10, "choleskySolve n=" + n + " b " + java.util.Arrays.toString(bShape));
            }
        }
    }

    @Test
    void luSolveMatchesTheCpuIncludingTransposedViews() {
        Backend cpu = Backends.cpu();
        for (int n : new int[] {1, 6, 100}) {
            Tensor a = randn(900 + n, DType.FLOAT64, n, n).add(Tensor.eye(n, DType.FLOAT64).mul(2 * n));
            for (int[] bShape : new int[][] {{n}, {n, 4}}) {
                Tensor b = randn(950 + n, DType.FLOAT64, bShape);
                assertClose(backend().luSolve(a.to(CUDA), b.to(CUDA)).to(Device.CPU),
                        cpu.luSolve(a, b), 1e-10, "luSolve n=" + n);
                assertClose(backend().luSolve(a.to(CUDA).t(), b.to(CUDA)).to(Device.CPU),
                        cpu.luSolve(a.t(), b), 1e-10, "luSolve of a transposed view n=" + n);
            }
        }
        Tensor original = randn(990, DType.FLOAT64, 4, 4).add(Tensor.eye(4, DType.FLOAT64).mul(8));
        Tensor onDevice = original.to(CUDA);
        backend().luSolve(onDevice.t(), randn(991, DType.FLOAT64, 4).to(CUDA));
        assertClose(onDevice.to(Device.CPU), original, 0.0, "luSolve leaves its input alone");
    }

    @Test
    void failuresRaiseTheCpuExceptions() {
        Backend cpu = Backends.cpu();
        Tensor notSpd = Tensor.of(new double[] {4, 2, 1, 2, 1, 0, 1, 0, 3}, 3, 3); // minor of order 2 is 4·1 − 2·2 = 0
        IllegalArgumentException want = assertThrows(IllegalArgumentException.class, () -> cpu.cholesky(notSpd));
        IllegalArgumentException got = assertThrows(IllegalArgumentException.class,
                () -> backend().cholesky(notSpd.to(CUDA)));
        assertEquals(want.getMessage(), got.getMessage());

        Tensor singular = Tensor.of(new double[] {1, 2, 3, 2, 4, 6, 1, 0, 1}, 3, 3);
        Tensor b = Tensor.of(new double[] {1, 2, 3}, 3);
        want = assertThrows(IllegalArgumentException.class, () -> cpu.luSolve(singular, b));
        got = assertThrows(IllegalArgumentException.class, () -> backend().luSolve(singular.to(CUDA), b.to(CUDA)));
        assertEquals(want.getMessage(), got.getMessage());

        Tensor f32 = Tensor.eye(3, DType.FLOAT32).to(CUDA);
        assertThrows(IllegalArgumentException.class, () -> backend().cholesky(f32));
        assertThrows(IllegalArgumentException.class, () -> backend().luSolve(f32, b.to(CUDA)));
        backend().synchronize();
    }
}
