package dev.lethe.bench;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.Tensor;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Deterministic benchmark inputs written straight into off-heap memory (no heap arrays of the
 * data's size, so setting up 64 MB operands stays cheap and does not disturb the GC).
 */
final class BenchInputs {
    private BenchInputs() {
    }

    /** A contiguous float32 CPU tensor of values in [-1, 1), the same for the same seed. */
    static Tensor uniform(long seed, int... shape) {
        Tensor t = Tensor.empty(DType.FLOAT32, shape);
        fill(((HostStorage) t.storage()).floats(), t.numel(), seed);
        return t;
    }

    /** {@code n} floats of off-heap memory filled like {@link #uniform}. */
    static FloatPointer uniformPointer(long seed, long n) {
        FloatPointer p = new FloatPointer(n);
        if (p.isNull()) {
            throw new OutOfMemoryError("could not allocate " + n + " floats for a benchmark input");
        }
        fill(p.limit(n).asBuffer(), n, seed);
        return p;
    }

    /** An int64 tensor of {@code n} class labels in [0, classes). */
    static Tensor labels(long seed, int n, int classes) {
        long[] v = new long[n];
        long s = seed;
        for (int i = 0; i < n; i++) {
            s = next(s);
            v[i] = Long.remainderUnsigned(s, classes);
        }
        return Tensor.of(v, n);
    }

    private static void fill(FloatBuffer buf, long n, long seed) {
        long s = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < n; i++) {
            s = next(s);
            // The top 24 bits give every float in [0, 1) on a 2^-24 grid; shift to [-1, 1).
            buf.put(i, (s >>> 40) * 0x1.0p-23f - 1.0f);
        }
    }

    /** xorshift64*: fast, well spread, and enough for benchmark data. */
    private static long next(long s) {
        s ^= s >>> 12;
        s ^= s << 25;
        s ^= s >>> 27;
        return s * 0x2545F4914F6CDD1DL;
    }
}
