package dev.lethe.bench;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Backends;
import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU backend's conv2d forward, backward-data and backward-weight at the convolution shapes
 * of ResNet-18's CIFAR variant (batch 32, no bias), each against one direct {@code cblas_sgemm}
 * with the convolution's FLOP count: M = O, N = batch·OH·OW, K = C·kh·kw (each of the three
 * passes is one such product in an im2col formulation, so the baseline is what that product
 * alone costs, without any unfolding). Ratio = baseline time ÷ pass time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.bytedeco.javacpp.maxbytes=8G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0"})
@SuppressWarnings("try") // the per-invocation MemoryScope only frees what the op allocates
public class Conv2dBench {
    private static final int BATCH = 32;

    /** One convolution layer: channels in/out, square input size, square kernel, stride, padding. */
    private record Layer(int c, int o, int hw, int kernel, int stride, int pad) {
    }

    private static final Map<String, Layer> LAYERS = Map.of(
            "3to64_32x32", new Layer(3, 64, 32, 3, 1, 1),           // stem
            "64to64_32x32", new Layer(64, 64, 32, 3, 1, 1),         // stage 1
            "128to128_16x16", new Layer(128, 128, 16, 3, 1, 1),     // stage 2
            "256to256_8x8", new Layer(256, 256, 8, 3, 1, 1),        // stage 3
            "512to512_4x4", new Layer(512, 512, 4, 3, 1, 1),        // stage 4
            "64to128_32x32_s2", new Layer(64, 128, 32, 3, 2, 1),    // first conv of stage 2
            "64to128_32x32_1x1s2", new Layer(64, 128, 32, 1, 2, 0)); // its 1x1 shortcut

    /** Layer name: {@code <C>to<O>_<H>x<W>[_stride/kernel]}. */
    @Param({"3to64_32x32", "64to64_32x32", "128to128_16x16", "256to256_8x8", "512to512_4x4",
            "64to128_32x32_s2", "64to128_32x32_1x1s2"})
    public String layer;

    private final Backend backend = Backends.cpu();
    private Conv2dSpec spec;
    private int[] xShape;
    private int[] wShape;
    private Tensor x;
    private Tensor w;
    private Tensor gradOut;
    private DirectSgemm direct;

    /** Allocates the input, weight and an output gradient once per trial. */
    @Setup
    public void setUp() {
        Layer l = LAYERS.get(layer);
        if (l == null) {
            throw new IllegalArgumentException("unknown layer " + layer + "; known: " + LAYERS.keySet());
        }
        spec = Conv2dSpec.of(l.stride, l.pad, 1);
        int oh = spec.outH(l.hw, l.kernel);
        int ow = spec.outW(l.hw, l.kernel);
        xShape = new int[] {BATCH, l.c, l.hw, l.hw};
        wShape = new int[] {l.o, l.c, l.kernel, l.kernel};
        x = BenchInputs.uniform(1, xShape);
        w = BenchInputs.uniform(2, wShape);
        gradOut = BenchInputs.uniform(3, BATCH, l.o, oh, ow);
        direct = new DirectSgemm(l.o, BATCH * oh * ow, l.c * l.kernel * l.kernel);
    }

    /** Frees every native buffer of the trial. */
    @TearDown
    public void tearDown() {
        x.close();
        w.close();
        gradOut.close();
        direct.close();
    }

    /** y = conv2d(x, w). */
    @Benchmark
    public int forward() {
        try (MemoryScope scope = MemoryScope.open()) {
            return backend.conv2d(x, w, null, spec).numel();
        }
    }

    /** dL/dx from dL/dy. */
    @Benchmark
    public int backwardData() {
        try (MemoryScope scope = MemoryScope.open()) {
            return backend.conv2dBackwardData(gradOut, w, xShape, spec).numel();
        }
    }

    /** dL/dw from dL/dy. */
    @Benchmark
    public int backwardWeight() {
        try (MemoryScope scope = MemoryScope.open()) {
            return backend.conv2dBackwardWeight(gradOut, x, wShape, spec).numel();
        }
    }

    /** One sgemm of the layer's FLOP count on preallocated matrices. */
    @Benchmark
    public float baseline() {
        return direct.run();
    }
}
