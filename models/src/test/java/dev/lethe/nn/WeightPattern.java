package dev.lethe.nn;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Tensor;
import java.util.Map;

/**
 * The closed-form weights both this test and tools/reference/make_model_references.py compute
 * bit for bit, so that a ResNet-18 (11M parameters) can be checked against PyTorch without
 * committing its weights. Tensor k of the state dict (0-based, state-dict order) gets, for
 * element i, u = (mix(k + 1, i) >>> 11)·2⁻⁵³ (exact) and value float32(offset + scale·(2u − 1))
 * with (offset, scale) by kind of tensor (see {@link #kind}). Only integer and correctly
 * rounded IEEE operations are involved, so both languages agree exactly.
 */
final class WeightPattern {
    private WeightPattern() {
    }

    /** A 64-bit mixing function (SplitMix64's finaliser on a linear combination; wrapping). */
    static long mix(long seed, long i) {
        long z = seed * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L;
        z ^= z >>> 31;
        z *= 0x94D049BB133111EBL;
        z ^= z >>> 29;
        return z;
    }

    /** (offset, scale) of a ResNet state-dict tensor, as the script's {@code pattern_kind}. */
    static double[] kind(String name, Tensor t) {
        if (name.endsWith("running_mean")) {
            return new double[] {0, 0.1};
        }
        if (name.endsWith("running_var")) {
            return new double[] {1, 0.25};
        }
        if (t.rank() == 4) {
            int fanIn = t.size(1) * t.size(2) * t.size(3);
            return new double[] {0, Math.sqrt(6.0 / fanIn)};
        }
        if (name.startsWith("fc.")) {
            return new double[] {0, 1.0 / Math.sqrt(512)};
        }
        if (name.endsWith(".weight")) {
            return new double[] {1, 0.25};
        }
        if (name.endsWith(".bias")) {
            return new double[] {0, 0.1};
        }
        throw new IllegalArgumentException("no pattern for " + name);
    }

    /** Writes the pattern into every tensor of the model's state dict (num_batches_tracked = 0). */
    static void fill(Module model) {
        int k = 0;
        for (Map.Entry<String, Tensor> e : model.stateDict().entrySet()) {
            Tensor t = e.getValue();
            if (e.getKey().endsWith("num_batches_tracked")) {
                t.fill_(0);
            } else {
                double[] ks = kind(e.getKey(), t);
                float[] v = new float[t.numel()];
                for (int i = 0; i < v.length; i++) {
                    double u = (mix(k + 1, i) >>> 11) * 0x1.0p-53;
                    v[i] = (float) (ks[0] + ks[1] * (2.0 * u - 1.0));
                }
                try (Tensor src = Tensor.of(v, t.shape())) {
                    t.copyFrom_(src);
                }
            }
            k++;
        }
    }

    /** An input batch from the pattern: float32(√3·(2u − 1)) with u from {@code seed}, unit variance. */
    static Tensor input(long seed, int... shape) {
        float[] v = new float[dev.lethe.tensor.Shape.numel(shape)];
        double scale = Math.sqrt(3.0);
        for (int i = 0; i < v.length; i++) {
            double u = (mix(seed, i) >>> 11) * 0x1.0p-53;
            v[i] = (float) (scale * (2.0 * u - 1.0));
        }
        return Tensor.of(v, shape);
    }

    /** The script's gradient summary: [norm, sum, 16 Rademacher projections, 32 sampled elements]. */
    static double[] summary(int k, Tensor grad) {
        double[] g = grad.to(DType.FLOAT64).toDoubleArray();
        int projections = 16;
        int samples = 32;
        double[] out = new double[2 + projections + samples];
        double sq = 0;
        double sum = 0;
        for (double x : g) {
            sq += x * x;
            sum += x;
        }
        out[0] = Math.sqrt(sq);
        out[1] = sum;
        for (int j = 0; j < projections; j++) {
            long seed = 7777 + 64L * k + j;
            double p = 0;
            for (int i = 0; i < g.length; i++) {
                p += (mix(seed, i) >>> 63) == 0 ? g[i] : -g[i];
            }
            out[2 + j] = p;
        }
        for (int j = 0; j < samples; j++) {
            out[2 + projections + j] = g[(int) Long.remainderUnsigned(j * 2654435761L + 12345, g.length)];
        }
        return out;
    }
}
