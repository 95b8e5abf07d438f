package dev.lethe.tensor.cpu;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.PoolingRules;
import dev.lethe.tensor.Tensor;

/**
 * The driver of the pooling kernels: maps every H×W plane of an NCHW tensor to a plane of the
 * result, one plane per task across {@link CpuThreads}. Each plane is loaded into a double
 * array, the kernel fills a zeroed double array for the result plane, and that is stored.
 */
final class Planes {
    private Planes() {
    }

    /** Computes result plane {@code out} from input plane {@code in}; {@code plane} is n·C + c. */
    @FunctionalInterface
    interface Body {
        void run(int plane, double[] in, double[] out);
    }

    /**
     * A new tensor of {@code outShape} (same N, C as {@code src}) whose planes are
     * {@code body}'s results for the corresponding planes of {@code src}.
     */
    static Tensor map(Tensor src, int[] outShape, Body body) {
        int[] s = src.shape();
        int planes = s[0] * s[1];
        int inSize = s[2] * s[3];
        int outSize = outShape[2] * outShape[3];
        DType t = src.dtype();
        Tensor out = Tensor.empty(src.backend(), t, outShape);
        HostStorage os = (HostStorage) out.storage();
        try (Dense d = Dense.of(src)) {
            CpuThreads.parallelFor(planes, Math.max(1, (1 << 14) / Math.max(1, inSize + outSize)), (from, to) -> {
                RowIo io = new RowIo();
                double[] in = new double[inSize];
                double[] res = new double[outSize];
                for (int p = from; p < to; p++) {
                    io.load(d.storage, t, d.offset + p * inSize, 1, in, 0, inSize);
                    java.util.Arrays.fill(res, 0.0);
                    body.run(p, in, res);
                    io.store(os, t, p * outSize, 1, res, 0, outSize);
                }
            });
        }
        return out;
    }

    /** Fails unless {@code x} is a floating [N, C, H, W] host tensor. */
    static void requireNchw(Tensor x, String what, String op) {
        ArgChecks.requireHost(x, what, op);
        PoolingRules.requireNchw(x, what, op);
    }
}
