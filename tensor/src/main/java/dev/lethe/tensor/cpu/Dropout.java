package dev.lethe.tensor.cpu;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Inverted-dropout masks from the Philox stream: element i is {@code 1/(1−p)} when its float32
 * uniform u_i (the layout of {@link Philox#uniformFloats}: word i mod 4 of block start + i/4,
 * top 24 bits) satisfies {@code u_i ≥ p}, else 0. Blocks are generated in parallel from the
 * reserved counter range, so the mask equals a serial draw bit for bit.
 */
final class Dropout {
    private static final double TWO_POW_M24 = 1.0 / (1 << 24);
    private static final int GRAIN_BLOCKS = 1 << 12;

    private Dropout() {
    }

    static Tensor mask(int[] shape, DType dtype, double p, Philox rng) {
        if (!dtype.isFloating()) {
            throw new IllegalArgumentException("dropoutMask: dtype must be float32 or float64, got " + dtype);
        }
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException("dropoutMask: probability p must be in [0, 1), got " + p);
        }
        int n = Shape.numel(shape);
        Tensor out = Tensor.empty(dtype, shape);
        HostStorage os = (HostStorage) out.storage();
        double keep = 1.0 / (1.0 - p);
        int blocks = (n + 3) / 4;
        long start = rng.advance(blocks);
        CpuThreads.parallelFor(blocks, GRAIN_BLOCKS, (s, e) -> {
            RowIo io = new RowIo();
            int[] w = new int[4];
            double[] chunk = new double[Lanes.CHUNK];
            for (int b0 = s; b0 < e; b0 += Lanes.CHUNK / 4) {
                int b1 = Math.min(e, b0 + Lanes.CHUNK / 4);
                int first = 4 * b0;
                int count = Math.min(n, 4 * b1) - first;
                for (int b = b0; b < b1; b++) {
                    rng.block(start + b, w);
                    for (int j = 0; j < 4; j++) {
                        int i = 4 * b + j - first;
                        if (i < count) {
                            chunk[i] = (w[j] >>> 8) * TWO_POW_M24 >= p ? keep : 0.0;
                        }
                    }
                }
                io.store(os, dtype, first, 1, chunk, 0, count);
            }
        });
        return out;
    }
}
