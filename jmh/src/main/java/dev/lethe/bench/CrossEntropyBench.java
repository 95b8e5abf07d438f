package dev.lethe.bench;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Backends;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
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
 * Softmax-cross-entropy forward plus backward (label smoothing 0.1, d loss = 1) as a training
 * step runs it: {@link Backend#crossEntropy} then {@link Backend#crossEntropyBackward}.
 *
 * <p>Baseline: one {@code memcpy} of the logits' bytes between preallocated off-heap buffers.
 * Forward and backward must at least read the logits and write a gradient of the same size, so
 * even a perfect fused kernel moves twice the copy's bytes: a ratio near 0.5 is the memory
 * bound at 4096×1000. At 128×10 (5 KB) the copy takes tens of nanoseconds and the ratio mostly
 * measures fixed per-call cost (allocation, scopes, dispatch); read its absolute time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.bytedeco.javacpp.maxbytes=8G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0"})
@SuppressWarnings("try") // the per-invocation MemoryScope only frees what the op allocates
public class CrossEntropyBench {
    private static final double LABEL_SMOOTHING = 0.1;

    /** Logits shape, batch × classes. */
    @Param({"128x10", "4096x1000"})
    public String logits;

    private final Backend backend = Backends.cpu();
    private Tensor x;
    private Tensor targets;
    private BytePointer copyFrom;
    private BytePointer copyTo;
    private long copyBytes;

    /** Allocates logits, labels and the copy buffers once per trial. */
    @Setup
    public void setUp() {
        String[] p = logits.split("x");
        int n = Integer.parseInt(p[0]);
        int c = Integer.parseInt(p[1]);
        x = BenchInputs.uniform(1, n, c);
        // Logits of a few units, like a trained network's.
        x.mul_(4.0);
        targets = BenchInputs.labels(2, n, c);
        copyBytes = 4L * n * c;
        copyFrom = new BytePointer(copyBytes);
        copyTo = new BytePointer(copyBytes);
        Pointer.memset(copyFrom, 1, copyBytes);
        Pointer.memset(copyTo, 0, copyBytes);
    }

    /** Frees every native buffer of the trial. */
    @TearDown
    public void tearDown() {
        x.close();
        targets.close();
        copyFrom.deallocate();
        copyTo.deallocate();
    }

    /** Loss and logits gradient, freed by the scope. */
    @Benchmark
    public int forwardBackward() {
        try (MemoryScope scope = MemoryScope.open()) {
            Backend.CrossEntropy f = backend.crossEntropy(x, targets, LABEL_SMOOTHING);
            return backend.crossEntropyBackward(1.0, f, targets, LABEL_SMOOTHING).numel();
        }
    }

    /** A memcpy of the logits' bytes. */
    @Benchmark
    public long baseline() {
        Pointer.memcpy(copyTo, copyFrom, copyBytes);
        return copyTo.get(0);
    }
}
