package dev.lethe.bench;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.BinaryOp;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.ReduceOp;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.UnaryOp;
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
 * Memory-bound elementwise work over 16M float32 (64 MB per operand, far beyond any cache):
 * {@code a.add(b)}, {@code a.mul(b)}, {@code a.relu()} and {@code a.sum()} through the public
 * Tensor API (each allocates its output, as callers do: {@code run}), and the same backend
 * primitive writing into a preallocated output ({@code kernel}), which separates the loop's cost
 * from that of fresh output pages.
 *
 * <p>Baseline: one {@code memcpy} (JavaCPP {@link Pointer#memcpy}) between two preallocated
 * off-heap buffers of {@code (bytes read + bytes written) / 2} bytes: a copy reads and writes
 * its size once, so it moves the op's total bytes in the cheapest form there is. add and mul
 * read 128 MB and write 64 MB (memcpy of 96 MB); relu reads and writes 64 MB (memcpy of 64 MB);
 * sum reads 64 MB (memcpy of 32 MB). Ratio = baseline time ÷ op time; 1.0 means the op runs at
 * copy bandwidth. The copy is single-threaded, the ops use the CPU backend's threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dorg.bytedeco.javacpp.maxbytes=8G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=0"})
@SuppressWarnings("try") // the per-invocation MemoryScope only frees what the op allocates
public class ElementwiseBench {
    private static final int N = 16 << 20;
    private static final long FLOAT_BYTES = 4L * N;

    /** The operation. */
    @Param({"add", "mul", "relu", "sum"})
    public String op;

    private Tensor a;
    private Tensor b;
    private Tensor out;
    private BytePointer copyFrom;
    private BytePointer copyTo;
    private long copyBytes;

    /** Allocates the operands and the copy buffers once per trial. */
    @Setup
    public void setUp() {
        a = BenchInputs.uniform(1, N);
        b = BenchInputs.uniform(2, N);
        out = op.equals("sum") ? Tensor.zeros(DType.FLOAT32, 1) : Tensor.zeros(DType.FLOAT32, N);
        copyBytes = switch (op) {
            case "add", "mul" -> (2 * FLOAT_BYTES + FLOAT_BYTES) / 2;
            case "relu" -> (FLOAT_BYTES + FLOAT_BYTES) / 2;
            case "sum" -> FLOAT_BYTES / 2;
            default -> throw new IllegalArgumentException("unknown op " + op);
        };
        copyFrom = new BytePointer(copyBytes);
        copyTo = new BytePointer(copyBytes);
        // Touch every page once so the baseline never pays first-touch faults.
        Pointer.memset(copyFrom, 1, copyBytes);
        Pointer.memset(copyTo, 0, copyBytes);
    }

    /** Frees every native buffer of the trial. */
    @TearDown
    public void tearDown() {
        a.close();
        b.close();
        out.close();
        copyFrom.deallocate();
        copyTo.deallocate();
    }

    /** The op through the Tensor API; its output is freed by the scope. */
    @Benchmark
    public int run() {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor r = switch (op) {
                case "add" -> a.add(b);
                case "mul" -> a.mul(b);
                case "relu" -> a.relu();
                case "sum" -> a.sum();
                default -> throw new IllegalArgumentException("unknown op " + op);
            };
            return r.numel();
        }
    }

    /** The backend primitive into the preallocated output. */
    @Benchmark
    public int kernel() {
        Backend backend = a.backend();
        switch (op) {
            case "add" -> backend.binary(BinaryOp.ADD, a, b, out);
            case "mul" -> backend.binary(BinaryOp.MUL, a, b, out);
            case "relu" -> backend.unary(UnaryOp.RELU, a, out);
            case "sum" -> backend.reduce(ReduceOp.SUM, a, new int[] {0}, out);
            default -> throw new IllegalArgumentException("unknown op " + op);
        }
        return out.numel();
    }

    /** A memcpy of the same total traffic. */
    @Benchmark
    public long baseline() {
        Pointer.memcpy(copyTo, copyFrom, copyBytes);
        return copyTo.get(0);
    }
}
