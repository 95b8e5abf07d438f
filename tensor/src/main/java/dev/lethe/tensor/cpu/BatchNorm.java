package dev.lethe.tensor.cpu;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.NormRules;
import dev.lethe.tensor.ReduceOp;
import dev.lethe.tensor.Tensor;

/**
 * Batch normalisation over N and the spatial positions of x [N, C, ...] per channel (Ioffe and
 * Szegedy 2015, Algorithm 1), forward and backward, with PyTorch's conventions: training
 * normalises with the biased batch variance and moves the running statistics towards the batch's
 * mean and unbiased variance by {@code momentum}; evaluation uses the running statistics.
 * Statistics are accumulated in double, two-pass, over four partial sums ({@link CenteredSums});
 * the elementwise passes that write the result run in the tensor's own precision
 * ({@link ElementwisePass}), in float32 for float32 as PyTorch's kernel does (a round trip
 * through double per element made them 2-3x slower). Channels are split across threads.
 */
final class BatchNorm {
    private BatchNorm() {
    }

    /** Visits one contiguous run of a channel: offset, stride and length in the dense tensor. */
    @FunctionalInterface
    private interface RunVisitor {
        void visit(int off, int stride, int len);
    }

    /** The layout of a dense [N, C, S...] tensor seen per channel. */
    private record Layout(int n, int c, int spatial) {
        static Layout of(Tensor x) {
            int[] s = x.shape();
            return new Layout(s[0], s[1], ArgChecks.prod(s, 2, s.length));
        }

        int perChannel() {
            return n * spatial;
        }

        int longestRun() {
            return spatial == 1 ? n : spatial;
        }

        /** Channel {@code ch} as N runs of S elements, or, for [N, C], one run of N elements C apart. */
        void forEachRun(int ch, RunVisitor v) {
            if (spatial == 1) {
                v.visit(ch, c, n);
                return;
            }
            for (int i = 0; i < n; i++) {
                v.visit((i * c + ch) * spatial, 1, spatial);
            }
        }
    }

    static Backend.Normalized forward(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                                      boolean training, double momentum, double eps) {
        String op = "batchNorm";
        checkInput(x, op);
        Layout l = Layout.of(x);
        double[] gamma = perChannel(weight, l.c, "weight", op);
        double[] beta = perChannel(bias, l.c, "bias", op);
        double[] runMean = perChannel(runningMean, l.c, "runningMean", op);
        double[] runVar = perChannel(runningVar, l.c, "runningVar", op);
        // Without running statistics PyTorch normalises with the batch's even in evaluation.
        boolean batchStats = training || runMean == null || runVar == null;
        int m = l.perChannel();
        if (batchStats) {
            NormRules.requireBatchStatistics(m, x, op);
        }
        DType t = x.dtype();
        double[] mean = new double[l.c];
        double[] invStd = new double[l.c];
        Tensor out = Tensor.empty(x.backend(), t, x.shape());
        HostStorage os = (HostStorage) out.storage();
        double[] batchVar = new double[l.c];
        try (Dense dx = Dense.of(x)) {
            CpuThreads.parallelFor(l.c, 1, (s, e) -> {
                RowIo io = new RowIo();
                double[] buf = new double[l.longestRun()];
                ElementwisePass pass = new ElementwisePass(t, l.longestRun());
                for (int ch = s; ch < e; ch++) {
                    if (batchStats) {
                        double[] acc = new double[1];
                        l.forEachRun(ch, (off, st, len) -> {
                            io.load(dx.storage, t, dx.offset + off, st, buf, 0, len);
                            acc[0] = ReduceOp.SUM.reduceChunk(acc[0], buf, len);
                        });
                        double mu = acc[0] / m;
                        acc[0] = 0;
                        l.forEachRun(ch, (off, st, len) -> {
                            io.load(dx.storage, t, dx.offset + off, st, buf, 0, len);
                            acc[0] += CenteredSums.squaredDeviations(buf, len, mu);
                        });
                        mean[ch] = mu;
                        batchVar[ch] = acc[0] / m;
                        invStd[ch] = 1.0 / Math.sqrt(acc[0] / m + eps);
                    } else {
                        mean[ch] = runMean[ch];
                        invStd[ch] = 1.0 / Math.sqrt(runVar[ch] + eps);
                    }
                    // y = (x − mean)·invStd·γ + β = x·scale + shift
                    double scale = invStd[ch] * (gamma == null ? 1.0 : gamma[ch]);
                    double shift = (beta == null ? 0.0 : beta[ch]) - mean[ch] * scale;
                    l.forEachRun(ch, (off, st, len) ->
                            pass.scaleShift(dx.storage, dx.offset + off, st, len, scale, shift, os, off));
                }
            });
        }
        if (training) {
            updateRunning(runningMean, runMean, mean, 1.0, momentum);
            updateRunning(runningVar, runVar, batchVar, (double) m / (m - 1), momentum); // unbiased
        }
        return new Backend.Normalized(out, Tensor.fromDoubles(mean, t, l.c), Tensor.fromDoubles(invStd, t, l.c));
    }

    /**
     * Training: dx = γ·invStd·(g − mean(g) − x̂·mean(g·x̂)), the gradient through the batch
     * mean and variance; evaluation: dx = γ·invStd·g. Both: dγ = Σ g·x̂, dβ = Σ g.
     */
    static Backend.NormGrads backward(Tensor gradOut, Tensor x, Tensor weight, Backend.Normalized forward,
                                      boolean training) {
        String op = "batchNormBackward";
        checkInput(x, op);
        ArgChecks.requireHost(gradOut, "gradOut", op);
        NormRules.requireLike(gradOut, x, op);
        Layout l = Layout.of(x);
        double[] gamma = perChannel(weight, l.c, "weight", op);
        NormRules.requireSavedChannelStats(forward.mean(), forward.invStd(), l.c, op);
        double[] mean = forward.mean().toDoubleArray();
        double[] invStd = forward.invStd().toDoubleArray();
        int m = l.perChannel();
        DType t = x.dtype();
        double[] sumG = new double[l.c];
        double[] sumGx = new double[l.c];
        Tensor gradIn = Tensor.empty(x.backend(), t, x.shape());
        HostStorage gs = (HostStorage) gradIn.storage();
        try (Dense dx = Dense.of(x); Dense dg = Dense.of(gradOut)) {
            CpuThreads.parallelFor(l.c, 1, (s, e) -> {
                RowIo io = new RowIo();
                double[] xb = new double[l.longestRun()];
                double[] gb = new double[l.longestRun()];
                ElementwisePass pass = new ElementwisePass(t, l.longestRun());
                for (int ch = s; ch < e; ch++) {
                    double mu = mean[ch];
                    double is = invStd[ch];
                    double[] acc = new double[2];
                    l.forEachRun(ch, (off, st, len) -> {
                        io.load(dx.storage, t, dx.offset + off, st, xb, 0, len);
                        io.load(dg.storage, t, dg.offset + off, st, gb, 0, len);
                        acc[0] = ReduceOp.SUM.reduceChunk(acc[0], gb, len);
                        acc[1] += CenteredSums.centeredDot(gb, xb, len, mu);
                    });
                    sumG[ch] = acc[0];
                    sumGx[ch] = acc[1] * is; // Σ g·x̂ = invStd·Σ g·(x − mean)
                    double k = is * (gamma == null ? 1.0 : gamma[ch]);
                    double meanG = training ? sumG[ch] / m : 0.0;
                    // x̂·mean(g·x̂) = (x − mean)·slope
                    double slope = training ? is * sumGx[ch] / m : 0.0;
                    l.forEachRun(ch, (off, st, len) -> pass.normGrad(dg.storage, dg.offset + off, dx.storage,
                            dx.offset + off, st, len, k, meanG, mu, slope, gs, off));
                }
            });
        }
        if (weight == null) {
            return new Backend.NormGrads(gradIn, null, null);
        }
        return new Backend.NormGrads(gradIn, Tensor.fromDoubles(sumGx, t, l.c), Tensor.fromDoubles(sumG, t, l.c));
    }

    /**
     * The passes that write a result element by element, in the tensor's precision: float32
     * runs are computed in float arrays (vectorised by the JIT), float64 runs in double arrays.
     * One instance per thread.
     */
    private static final class ElementwisePass {
        private final boolean single;
        private final RowIo io = new RowIo();
        private final float[] fa;
        private final float[] fb;
        private final double[] da;
        private final double[] db;

        ElementwisePass(DType t, int longestRun) {
            single = t == DType.FLOAT32;
            fa = new float[single ? longestRun : 0];
            fb = new float[single ? longestRun : 0];
            da = new double[single ? 0 : longestRun];
            db = new double[single ? 0 : longestRun];
        }

        /** out = x·scale + shift over one run (the normalisation, with γ and β folded in). */
        void scaleShift(HostStorage x, int xOff, int stride, int n, double scale, double shift, HostStorage out,
                        int outOff) {
            if (single) {
                float sc = (float) scale;
                float sh = (float) shift;
                Lanes.load(x, xOff, stride, fa, n);
                for (int i = 0; i < n; i++) {
                    fa[i] = fa[i] * sc + sh;
                }
                Lanes.store(out, outOff, stride, fa, n);
                return;
            }
            io.load(x, DType.FLOAT64, xOff, stride, da, 0, n);
            for (int i = 0; i < n; i++) {
                da[i] = da[i] * scale + shift;
            }
            io.store(out, DType.FLOAT64, outOff, stride, da, 0, n);
        }

        /** out = k·(g − meanG − (x − mean)·slope) over one run: the data gradient of batch norm. */
        void normGrad(HostStorage g, int gOff, HostStorage x, int xOff, int stride, int n, double k, double meanG,
                      double mean, double slope, HostStorage out, int outOff) {
            if (single) {
                float fk = (float) k;
                float fg = (float) meanG;
                float fm = (float) mean;
                float fs = (float) slope;
                Lanes.load(g, gOff, stride, fa, n);
                Lanes.load(x, xOff, stride, fb, n);
                for (int i = 0; i < n; i++) {
                    fa[i] = fk * (fa[i] - fg - (fb[i] - fm) * fs);
                }
                Lanes.store(out, outOff, stride, fa, n);
                return;
            }
            io.load(g, DType.FLOAT64, gOff, stride, da, 0, n);
            io.load(x, DType.FLOAT64, xOff, stride, db, 0, n);
            for (int i = 0; i < n; i++) {
                da[i] = k * (da[i] - meanG - (db[i] - mean) * slope);
            }
            io.store(out, DType.FLOAT64, outOff, stride, da, 0, n);
        }
    }

    private static void checkInput(Tensor x, String op) {
        ArgChecks.requireHost(x, "input", op);
        NormRules.requireBatchNormInput(x, op);
    }

    /** A per-channel parameter as doubles (null stays null) after checking its shape is [C]. */
    private static double[] perChannel(Tensor p, int c, String what, String op) {
        NormRules.requirePerChannel(p, c, what, op);
        return p == null ? null : p.toDoubleArray();
    }

    /** running ← (1 − momentum)·running + momentum·factor·batch, written into the tensor in place. */
    private static void updateRunning(Tensor running, double[] old, double[] batch, double factor, double momentum) {
        if (running == null) {
            return;
        }
        double[] v = new double[old.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (1 - momentum) * old[i] + momentum * factor * batch[i];
        }
        try (Tensor fresh = Tensor.of(v, v.length)) {
            running.copyFrom_(fresh);
        }
    }
}
