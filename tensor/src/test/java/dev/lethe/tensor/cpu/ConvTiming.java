package dev.lethe.tensor.cpu;

import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;

/**
 * A rough timing of conv2d forward and both backward kernels at ResNet-18 CIFAR layer shapes
 * (batch 32, float32) against a plain sgemm of the same shape and FLOP count. Not a test and not
 * a benchmark of record (JMH is): run its main to see where the time goes.
 */
final class ConvTiming {
    private ConvTiming() {
    }

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int[][] layers = { // cin, cout, size, kernel, stride, pad
            {64, 64, 32, 3, 1, 1}, {128, 128, 16, 3, 1, 1}, {256, 256, 8, 3, 1, 1}, {512, 512, 4, 3, 1, 1},
            {64, 128, 32, 3, 2, 1}, {64, 128, 32, 1, 2, 0}, {128, 256, 16, 3, 2, 1}, {256, 512, 8, 1, 2, 0}, {3, 64, 32, 3, 1, 1}, {1, 64, 28, 3, 1, 1},
        };
        System.out.printf("%-26s %8s %8s %8s %8s   %s%n", "layer", "gemm ms", "fwd", "bwdData", "bwdW", "ratios to gemm");
        int onlyKernel = Integer.getInteger("timing.kernel", 0); // e.g. -Dtiming.kernel=1: the 1x1 layers only
        for (int[] l : layers) {
            if (onlyKernel > 0 && l[3] != onlyKernel) {
                continue;
            }
            try (MemoryScope scope = MemoryScope.open()) {
                Conv2dSpec s = Conv2dSpec.of(l[4], l[5], 1);
                Tensor x = NnChecks.randn(1, DType.FLOAT32, batch, l[0], l[2], l[2]);
                Tensor w = NnChecks.randn(2, DType.FLOAT32, l[1], l[0], l[3], l[3]);
                int oh = s.outH(l[2], l[3]);
                Tensor g = NnChecks.randn(3, DType.FLOAT32, batch, l[1], oh, oh);
                int m = l[1];
                int n = batch * oh * oh;
                int k = l[0] * l[3] * l[3];
                Tensor a = NnChecks.randn(4, DType.FLOAT32, m, k);
                Tensor b = NnChecks.randn(5, DType.FLOAT32, k, n);
                Tensor c = Tensor.empty(DType.FLOAT32, m, n);
                double gemm = time(reps, () -> Gemm.gemm(DType.FLOAT32, m, n, k, 1,
                        new Gemm.Operand((HostStorage) a.storage(), 0, false, k),
                        new Gemm.Operand((HostStorage) b.storage(), 0, false, n), 0, (HostStorage) c.storage(), 0, n));
                double fwd = time(reps, () -> Conv2d.forward(x, w, null, s).close());
                double bd = time(reps, () -> Conv2d.backwardData(g, w, x.shape(), s).close());
                double bw = time(reps, () -> Conv2d.backwardWeight(g, x, w.shape(), s).close());
                System.out.printf("%3d->%-3d %2dx%-2d k%d s%d      %8.2f %8.2f %8.2f %8.2f   %.2f %.2f %.2f  (gemm %.0f GFLOP/s)%n",
                        l[0], l[1], l[2], l[2], l[3], l[4], gemm, fwd, bd, bw, gemm / fwd, gemm / bd, gemm / bw,
                        2.0 * m * n * k / gemm / 1e6);
            }
        }
    }

    /**
     * Fastest of {@code reps} runs after two warm-up runs, in milliseconds: wall-clock time, or
     * with {@code -Dlethe.threads=1 -Dtiming.cpu=true} the calling thread's CPU time (every loop
     * and the single-threaded BLAS then run on that thread), which other load on a shared machine
     * barely disturbs.
     */
    private static double time(int reps, Runnable r) {
        r.run();
        r.run();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t0 = now();
            r.run();
            best = Math.min(best, (now() - t0) / 1e6);
        }
        return best;
    }

    private static long now() {
        return Boolean.getBoolean("timing.cpu")
                ? java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() : System.nanoTime();
    }
}
