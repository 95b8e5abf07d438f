package dev.lethe.tensor.cpu;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Batch normalisation over N and the spatial positions of x [N, C, ...] per channel (Ioffe and
 * Szegedy 2015, Algorithm 1), forward and backward, with PyTorch's conventions: training
 * normalises with the biased batch variance and moves the running statistics towards the batch's
 * mean and unbiased variance by {@code momentum}; evaluation uses the running statistics.
 * Statistics are accumulated in double, two-pass; channels are split across threads.
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
        if (batchStats && m <= 1) {
            throw new IllegalArgumentException(op + ": expected more than 1 value per channel when training, got input size "
                    + Shape.str(x.shape()));
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
                for (int ch = s; ch < e; ch++) {
                    if (batchStats) {
                        double[] acc = new double[1];
                        l.forEachRun(ch, (off, st, len) -> {
                            io.load(dx.storage, t, dx.offset + off, st, buf, 0, len);
                            for (int i = 0; i < len; i++) {
                                acc[0] += buf[i];
                            }
                        });
                        double mu = acc[0] / m;
                        acc[0] = 0;
                        l.forEachRun(ch, (off, st, len) -> {
                            io.load(dx.storage, t, dx.offset + off, st, buf, 0, len);
                            for (int i = 0; i < len; i++) {
                                double d = buf[i] - mu;
                                acc[0] += d * d;
                            }
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
                    l.forEachRun(ch, (off, st, len) -> {
                        io.load(dx.storage, t, dx.offset + off, st, buf, 0, len);
                        for (int i = 0; i < len; i++) {
                            buf[i] = buf[i] * scale + shift;
                        }
                        io.store(os, t, off, st, buf, 0, len);
                    });
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
        ArgChecks.requireDType(gradOut, x.dtype(), "gradOut", op);
        ArgChecks.requireShape(gradOut, x.shape(), "gradOut", op);
        Layout l = Layout.of(x);
        double[] gamma = perChannel(weight, l.c, "weight", op);
        double[] mean = perChannel(forward.mean(), l.c, "saved mean", op);
        double[] invStd = perChannel(forward.invStd(), l.c, "saved invStd", op);
        if (mean == null || invStd == null) {
            throw new IllegalArgumentException(op + ": the forward result lacks its mean or invStd");
        }
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
                for (int ch = s; ch < e; ch++) {
                    double mu = mean[ch];
                    double is = invStd[ch];
                    double[] acc = new double[2];
                    l.forEachRun(ch, (off, st, len) -> {
                        io.load(dx.storage, t, dx.offset + off, st, xb, 0, len);
                        io.load(dg.storage, t, dg.offset + off, st, gb, 0, len);
                        for (int i = 0; i < len; i++) {
                            acc[0] += gb[i];
                            acc[1] += gb[i] * (xb[i] - mu) * is;
                        }
                    });
                    sumG[ch] = acc[0];
                    sumGx[ch] = acc[1];
                    double k = is * (gamma == null ? 1.0 : gamma[ch]);
                    double meanG = training ? acc[0] / m : 0.0;
                    double meanGx = training ? acc[1] / m : 0.0;
                    l.forEachRun(ch, (off, st, len) -> {
                        io.load(dx.storage, t, dx.offset + off, st, xb, 0, len);
                        io.load(dg.storage, t, dg.offset + off, st, gb, 0, len);
                        for (int i = 0; i < len; i++) {
                            gb[i] = k * (gb[i] - meanG - (xb[i] - mu) * is * meanGx);
                        }
                        io.store(gs, t, off, st, gb, 0, len);
                    });
                }
            });
        }
        if (weight == null) {
            return new Backend.NormGrads(gradIn, null, null);
        }
        return new Backend.NormGrads(gradIn, Tensor.fromDoubles(sumGx, t, l.c), Tensor.fromDoubles(sumG, t, l.c));
    }

    private static void checkInput(Tensor x, String op) {
        ArgChecks.requireFloating(x, "input", op);
        if (x.rank() < 2) {
            throw new IllegalArgumentException(op + ": input must be [N, C] or [N, C, ...], got shape "
                    + Shape.str(x.shape()));
        }
    }

    /** A per-channel parameter as doubles (null stays null) after checking its shape is [C]. */
    private static double[] perChannel(Tensor p, int c, String what, String op) {
        if (p == null) {
            return null;
        }
        ArgChecks.requireFloating(p, what, op);
        ArgChecks.requireShape(p, new int[] {c}, what, op);
        return p.toDoubleArray();
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
