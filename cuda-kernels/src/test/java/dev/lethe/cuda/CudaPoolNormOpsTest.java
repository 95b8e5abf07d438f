package dev.lethe.cuda;

import static dev.lethe.cuda.DeviceAgreement.CUDA;
import static dev.lethe.cuda.DeviceAgreement.assertClose;
import static dev.lethe.cuda.DeviceAgreement.backend;
import static dev.lethe.cuda.DeviceAgreement.randn;
import static dev.lethe.cuda.DeviceAgreement.tol;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Backends;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Pooling, batch norm and layer norm on the device against the CPU backend on the same inputs,
 * forward and backward, in float32 and float64 (tolerances of {@link DeviceAgreement}; max
 * pooling's indices must be equal). Runs only where a CUDA device exists.
 */
@Tag("gpu")
class CudaPoolNormOpsTest {
    private static final DType[] FLOATS = {DType.FLOAT32, DType.FLOAT64};
    private static final Backend CPU = Backends.cpu();

    @BeforeAll
    static void requireDevice() {
        DeviceAgreement.requireDevice();
    }

    private static void assertSameIndices(Tensor got, Tensor want, String what) {
        assertEquals(DType.INT64, got.dtype(), what + ": dtype");
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        assertArrayEquals(want.toDoubleArray(), got.toDoubleArray(), 0.0, what + ": indices");
    }

    /** Small integers: many equal values in every window, so the first-maximum rule decides. */
    private static Tensor withTies(int seed, DType t, int... shape) {
        return randn(seed, DType.FLOAT64, shape).mul(1.5).to(DType.INT64).to(t);
    }

    @Test
    void maxPoolingMatchesTheCpuWithEqualIndicesAndBackward() {
        Pool2dSpec[] specs = {Pool2dSpec.of(3, 2, 1), Pool2dSpec.of(2, 2, 0), Pool2dSpec.of(3, 1, 1),
                new Pool2dSpec(3, 2, 2, 1, 1, 0)};
        for (DType t : FLOATS) {
            List<Tensor> inputs = List.of(randn(1, t, 2, 3, 9, 10), withTies(2, t, 2, 3, 9, 10),
                    randn(3, t, 2, 3, 10, 9).transpose(2, 3));
            for (Pool2dSpec spec : specs) {
                for (int k = 0; k < inputs.size(); k++) {
                    Tensor x = inputs.get(k);
                    String what = t + " " + spec + " input " + k;
                    Backend.Pooled want = CPU.maxPool2d(x, spec);
                    Backend.Pooled got = backend().maxPool2d(x.to(CUDA), spec);
                    assertClose(got.output(), want.output(), 0, what + " output");
                    assertSameIndices(got.indices(), want.indices(), what);
                    Tensor g = randn(4 + k, t, want.output().shape());
                    assertClose(backend().maxPool2dBackward(g.to(CUDA), got.indices(), x.shape()),
                            CPU.maxPool2dBackward(g, want.indices(), x.shape()), tol(t, false), what + " backward");
                }
            }
        }
    }

    @Test
    void maxPoolingTakesANanAsTheCpuDoes() {
        double nan = Double.NaN;
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, nan, nan, 8, 9, 10, 11, 12, 13, 14, 15, 16}, 1, 1, 4, 4);
        for (DType t : FLOATS) {
            for (Pool2dSpec spec : new Pool2dSpec[] {Pool2dSpec.of(2, 2, 0), Pool2dSpec.of(3, 1, 1)}) {
                Backend.Pooled want = CPU.maxPool2d(x.to(t), spec);
                Backend.Pooled got = backend().maxPool2d(x.to(t).to(CUDA), spec);
                assertClose(got.output(), want.output(), 0, t + " " + spec + " output with NaN");
                assertSameIndices(got.indices(), want.indices(), t + " " + spec + " with NaN");
            }
        }
    }

    @Test
    void averagePoolingMatchesTheCpuWithAndWithoutPadding() {
        Pool2dSpec[] specs = {Pool2dSpec.of(2, 2, 0), Pool2dSpec.of(3, 2, 1), Pool2dSpec.of(3, 1, 1),
                new Pool2dSpec(3, 2, 2, 1, 1, 1)};
        for (DType t : FLOATS) {
            Tensor x = randn(10, t, 2, 3, 9, 10);
            for (Pool2dSpec spec : specs) {
                Tensor want = CPU.avgPool2d(x, spec);
                assertClose(backend().avgPool2d(x.to(CUDA), spec), want, tol(t, false), t + " " + spec);
                Tensor g = randn(11, t, want.shape());
                assertClose(backend().avgPool2dBackward(g.to(CUDA), x.shape(), spec),
                        CPU.avgPool2dBackward(g, x.shape(), spec), tol(t, false), t + " " + spec + " backward");
            }
        }
    }

    @Test
    void adaptiveAveragePoolingMatchesTheCpuForDivisibleAndOverlappingWindows() {
        int[][] cases = {{7, 7, 1, 1}, {7, 7, 3, 3}, {7, 5, 3, 2}, {3, 3, 5, 4}, {8, 8, 4, 4}};
        for (DType t : FLOATS) {
            for (int[] c : cases) {
                Tensor x = randn(20, t, 2, 3, c[0], c[1]);
                String what = t + " " + c[0] + "x" + c[1] + " -> " + c[2] + "x" + c[3];
                Tensor want = CPU.adaptiveAvgPool2d(x, c[2], c[3]);
                assertClose(backend().adaptiveAvgPool2d(x.to(CUDA), c[2], c[3]), want, tol(t, false), what);
                Tensor g = randn(21, t, want.shape());
                assertClose(backend().adaptiveAvgPool2dBackward(g.to(CUDA), x.shape()),
                        CPU.adaptiveAvgPool2dBackward(g, x.shape()), tol(t, false), what + " backward");
            }
        }
    }

    @Test
    void batchNormMatchesTheCpuInTrainingAndEvaluationWithTheRunningStatistics() {
        for (DType t : FLOATS) {
            for (int[] shape : new int[][] {{4, 3, 5, 6}, {16, 5}, {2, 3, 7}}) {
                int c = shape[1];
                Tensor x = randn(30, t, shape).mul(2).add(0.5);
                Tensor w = randn(31, t, c);
                Tensor b = randn(32, t, c);
                for (DType runType : new DType[] {t, DType.FLOAT32}) {
                    for (boolean training : new boolean[] {true, false}) {
                        String what = t + " " + java.util.Arrays.toString(shape) + " running " + runType
                                + (training ? " training" : " evaluation");
                        Tensor rm = randn(33, runType, c);
                        Tensor rv = randn(34, runType, c).abs().add(0.5);
                        Tensor cpuMean = rm.copy();
                        Tensor cpuVar = rv.copy();
                        Tensor gpuMean = rm.to(CUDA);
                        Tensor gpuVar = rv.to(CUDA);
                        Backend.Normalized want = CPU.batchNorm(x, w, b, cpuMean, cpuVar, training, 0.1, 1e-5);
                        Backend.Normalized got = backend().batchNorm(x.to(CUDA), w.to(CUDA), b.to(CUDA), gpuMean, gpuVar,
                                training, 0.1, 1e-5);
                        double tol = tol(t, false);
                        assertClose(got.output(), want.output(), tol, what + " output");
                        assertClose(got.mean(), want.mean(), tol, what + " mean");
                        assertClose(got.invStd(), want.invStd(), tol, what + " invStd");
                        assertEquals(t, got.mean().dtype(), what + " saved dtype");
                        assertClose(gpuMean, cpuMean, tol(runType, false), what + " running mean");
                        assertClose(gpuVar, cpuVar, tol(runType, false), what + " running var");
                        Tensor g = randn(35, t, shape);
                        Backend.NormGrads wantG = CPU.batchNormBackward(g, x, w, want, training);
                        Backend.NormGrads gotG = backend().batchNormBackward(g.to(CUDA), x.to(CUDA), w.to(CUDA), got,
                                training);
                        assertClose(gotG.input(), wantG.input(), tol, what + " d input");
                        assertClose(gotG.weight(), wantG.weight(), tol, what + " d weight");
                        assertClose(gotG.bias(), wantG.bias(), tol, what + " d bias");
                    }
                }
                // No affine part and no running statistics: batch statistics even in evaluation, no weight grads.
                Backend.Normalized want = CPU.batchNorm(x, null, null, null, null, false, 0.1, 1e-5);
                Backend.Normalized got = backend().batchNorm(x.to(CUDA), null, null, null, null, false, 0.1, 1e-5);
                assertClose(got.output(), want.output(), tol(t, false), t + " plain batch norm");
                Tensor g = randn(36, t, shape);
                Backend.NormGrads gotG = backend().batchNormBackward(g.to(CUDA), x.to(CUDA), null, got, true);
                assertClose(gotG.input(), CPU.batchNormBackward(g, x, null, want, true).input(), tol(t, false),
                        t + " plain batch norm d input");
                assertNull(gotG.weight());
                assertNull(gotG.bias());
            }
        }
    }

    @Test
    void layerNormMatchesTheCpuOverOneAndTwoDimensionsWithAndWithoutAffine() {
        for (DType t : FLOATS) {
            Tensor x = randn(40, t, 4, 6, 10).mul(3).add(1);
            for (int normDims : new int[] {1, 2}) {
                int[] p = normDims == 1 ? new int[] {10} : new int[] {6, 10};
                Tensor w = randn(41, t, p);
                Tensor b = randn(42, t, p);
                Tensor[][] affine = {{w, b}, {null, null}, {w, null}};
                for (Tensor[] wb : affine) {
                    String what = t + " normDims " + normDims + (wb[0] == null ? " plain" : wb[1] == null ? " weight" : " affine");
                    Backend.Normalized want = CPU.layerNorm(x, normDims, wb[0], wb[1], 1e-5);
                    Backend.Normalized got = backend().layerNorm(x.to(CUDA), normDims, onDevice(wb[0]), onDevice(wb[1]),
                            1e-5);
                    double tol = tol(t, false);
                    assertClose(got.output(), want.output(), tol, what + " output");
                    assertClose(got.mean(), want.mean(), tol, what + " mean");
                    assertClose(got.invStd(), want.invStd(), tol, what + " invStd");
                    Tensor g = randn(43, t, x.shape());
                    Backend.NormGrads wantG = CPU.layerNormBackward(g, x, normDims, wb[0], want);
                    Backend.NormGrads gotG = backend().layerNormBackward(g.to(CUDA), x.to(CUDA), normDims, onDevice(wb[0]),
                            got);
                    assertClose(gotG.input(), wantG.input(), tol, what + " d input");
                    if (wb[0] == null) {
                        assertNull(gotG.weight());
                        assertNull(gotG.bias());
                    } else {
                        assertClose(gotG.weight(), wantG.weight(), tol, what + " d weight");
                        assertClose(gotG.bias(), wantG.bias(), tol, what + " d bias");
                    }
                }
            }
        }
    }

    @Test
    void badShapesAreRefusedBeforeAnyLaunchAndABadIndexIsReported() {
        Tensor x = randn(50, DType.FLOAT32, 2, 3, 8, 8).to(CUDA);
        assertThrows(IllegalArgumentException.class, () -> backend().maxPool2d(x.view(6, 8, 8), Pool2dSpec.of(2, 2, 0)));
        assertThrows(IllegalArgumentException.class, () -> backend().avgPool2d(x, Pool2dSpec.of(11, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> backend().avgPool2dBackward(x, new int[] {2, 3, 8, 8},
                Pool2dSpec.of(2, 2, 0)));
        assertThrows(IllegalArgumentException.class, () -> backend().adaptiveAvgPool2d(x, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> backend().maxPool2d(x.to(dev.lethe.tensor.Device.CPU),
                Pool2dSpec.of(2, 2, 0)), "a host tensor");
        Backend.Pooled pooled = backend().maxPool2d(x, Pool2dSpec.of(2, 2, 0));
        Tensor g = randn(51, DType.FLOAT32, 2, 3, 4, 4).to(CUDA);
        assertThrows(IllegalArgumentException.class, () -> backend().maxPool2dBackward(g, pooled.indices().to(DType.INT32),
                x.shape()));
        assertThrows(IllegalArgumentException.class, () -> backend().batchNorm(x, Tensor.ones(DType.FLOAT32, 4).to(CUDA),
                null, null, null, true, 0.1, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> backend().batchNorm(x.narrow(0, 0, 1).narrow(2, 0, 1)
                .narrow(3, 0, 1), null, null, null, null, true, 0.1, 1e-5), "one value per channel");
        assertThrows(IllegalArgumentException.class, () -> backend().layerNorm(x, 0, null, null, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> backend().layerNorm(x, 1, Tensor.ones(DType.FLOAT32, 7)
                .to(CUDA), null, 1e-5));
        Tensor wrong = pooled.indices().copy();
        wrong.narrow(3, 1, 1).fill_(64);
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> backend().maxPool2dBackward(g, wrong, x.shape()));
        assertTrue(e.getMessage().contains("index 64"), e.getMessage());
        backend().synchronize(); // the context survived all of it
        assertClose(backend().avgPool2d(x, Pool2dSpec.of(2, 2, 0)),
                CPU.avgPool2d(x.to(dev.lethe.tensor.Device.CPU), Pool2dSpec.of(2, 2, 0)), 1e-5, "after the refusals");
    }

    private static Tensor onDevice(Tensor t) {
        return t == null ? null : t.to(CUDA);
    }
}
