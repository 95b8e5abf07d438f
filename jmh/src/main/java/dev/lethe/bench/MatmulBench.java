package dev.lethe.bench;

import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
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
 * {@link Tensor#matmul} on float32 against a direct {@code cblas_sgemm} of the same sizes.
 * The Lethe side allocates its output per call (as every caller of {@code matmul} does); the
 * baseline writes into a preallocated C. Ratio = baseline time ÷ matmul time.
 *
 * <p>A size ending in {@code t} multiplies by a transposed view {@code bt.t()} of a [N, K]
 * tensor (a linear layer's {@code x·Wᵀ}); the contract is that such views reach BLAS as a flag,
 * not a copy, so the baseline is the same sgemm with {@code CblasTrans}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.bytedeco.javacpp.maxbytes=8G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0"})
@SuppressWarnings("try") // the per-invocation MemoryScope only frees what the op allocates
public class MatmulBench {

    /** M×K·K×N, written {@code MxKxN}; a trailing {@code t}: B is a transposed view. */
    @Param({"256x256x256", "512x512x512", "1024x1024x1024", "2048x2048x2048", "4096x784x512", "256x256x256t",
            "4096x784x10t"})
    public String mkn;

    private Tensor a;
    private Tensor b;
    private DirectSgemm direct;

    /** Allocates and fills the operands once per trial. */
    @Setup
    public void setUp() {
        boolean transposed = mkn.endsWith("t");
        String[] p = mkn.replace("t", "").split("x");
        int m = Integer.parseInt(p[0]);
        int k = Integer.parseInt(p[1]);
        int n = Integer.parseInt(p[2]);
        a = BenchInputs.uniform(1, m, k);
        b = transposed ? BenchInputs.uniform(2, n, k).t() : BenchInputs.uniform(2, k, n);
        direct = new DirectSgemm(m, n, k, transposed);
    }

    /** Frees every native buffer of the trial. */
    @TearDown
    public void tearDown() {
        a.close();
        b.close();
        direct.close();
    }

    /** Lethe's matmul, its result freed by the scope. */
    @Benchmark
    public double matmul() {
        try (MemoryScope scope = MemoryScope.open()) {
            return a.matmul(b).numel();
        }
    }

    /** The same product by one direct {@code cblas_sgemm}. */
    @Benchmark
    public float baseline() {
        return direct.run();
    }
}
