package dev.lethe.tensor.cpu;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.OperandRules;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Fused cross-entropy of logits [N, C] against class targets [N] with label smoothing ε, mean
 * over the batch, exactly as {@code torch.nn.functional.cross_entropy}:
 * {@code loss = mean_n[(1−ε)·(−log p[n,t_n]) + ε·mean_c(−log p[n,c])]}, with log p the row-wise
 * log-softmax. Backward uses {@code ∂loss/∂z[n,c] = (p[n,c] − (1−ε)·[c = t_n] − ε/C) / N}, the
 * target's term p_t − 1 taken as −Σ_{c≠t} p_c when p_t &gt; ½ so that confident samples keep their
 * gradient (see {@link #pTargetMinusOne}).
 */
final class CrossEntropyLoss {
    private CrossEntropyLoss() {
    }

    static Backend.CrossEntropy forward(Tensor logits, Tensor targets, double smoothing) {
        String op = "crossEntropy";
        ArgChecks.requireFloating(logits, "logits", op);
        OperandRules.requireRank(logits, 2, "logits", "[N, C]", op);
        int n = logits.size(0);
        int c = logits.size(1);
        long[] t = checkedTargets(targets, n, c, smoothing, op);
        Tensor logProbs = Softmax.forward(logits, 1, true);
        double total = 0;
        try (Dense lp = Dense.of(logProbs)) {
            RowIo io = new RowIo();
            double[] row = new double[c];
            for (int i = 0; i < n; i++) {
                io.load(lp.storage, lp.dtype(), lp.offset + i * c, 1, row, 0, c);
                double sum = 0;
                for (int j = 0; j < c; j++) {
                    sum += row[j];
                }
                total += -(1 - smoothing) * row[(int) t[i]] - smoothing * sum / c;
            }
        }
        Tensor loss = Tensor.empty(logits.backend(), logits.dtype());
        loss.fill_(total / n); // N = 0 gives NaN, the mean of nothing, as PyTorch does
        return new Backend.CrossEntropy(loss, logProbs);
    }

    static Tensor backward(double gradLoss, Backend.CrossEntropy forward, Tensor targets, double smoothing) {
        String op = "crossEntropyBackward";
        Tensor logProbs = forward.logProbs();
        ArgChecks.requireFloating(logProbs, "logProbs", op);
        OperandRules.requireRank(logProbs, 2, "logProbs", "[N, C]", op);
        int n = logProbs.size(0);
        int c = logProbs.size(1);
        long[] t = checkedTargets(targets, n, c, smoothing, op);
        double scale = gradLoss / n;
        double off = smoothing / c;
        DType type = logProbs.dtype();
        Tensor grad = Tensor.empty(logProbs.backend(), type, n, c);
        HostStorage gs = (HostStorage) grad.storage();
        try (Dense lp = Dense.of(logProbs)) {
            CpuThreads.parallelFor(n, Math.max(1, (1 << 14) / Math.max(c, 1)), (s, e) -> {
                RowIo io = new RowIo();
                double[] row = new double[c];
                for (int i = s; i < e; i++) {
                    io.load(lp.storage, type, lp.offset + i * c, 1, row, 0, c);
                    int target = (int) t[i];
                    double pTarget = Math.exp(row[target]);
                    double others = 0;
                    for (int j = 0; j < c; j++) {
                        double p = Math.exp(row[j]);
                        others += j == target ? 0 : p;
                        row[j] = scale * (p - off);
                    }
                    row[target] = scale * (pTargetMinusOne(pTarget, others) + smoothing - off);
                    io.store(gs, type, i * c, 1, row, 0, c);
                }
            });
        }
        return grad;
    }

    /**
     * p_t − 1 for the target's probability p_t, given Σ_{j≠t} p_j. For a confident sample p_t
     * rounds to 1 (in float32 once the margin exceeds ~17, in double ~37) and p_t − 1 would be 0,
     * losing the true-class gradient while the other classes keep theirs; −Σ_{j≠t} p_j is the same
     * number without the cancellation. Below p_t = ½ the direct difference is exact enough.
     */
    static double pTargetMinusOne(double pTarget, double others) {
        return pTarget > 0.5 ? -others : pTarget - 1;
    }

    /** The targets as longs, after checking dtype, shape, range and the smoothing factor. */
    private static long[] checkedTargets(Tensor targets, int n, int c, double smoothing, String op) {
        ArgChecks.requireIndex(targets, "targets", op);
        if (targets.rank() != 1 || targets.size(0) != n) {
            throw new IllegalArgumentException(op + ": targets must have shape [" + n + "] to match the logits' batch, got "
                    + Shape.str(targets.shape()));
        }
        if (!(smoothing >= 0 && smoothing <= 1)) {
            throw new IllegalArgumentException(op + ": label smoothing must be in [0, 1], got " + smoothing);
        }
        long[] t = targets.toLongArray();
        for (int i = 0; i < n; i++) {
            if (t[i] < 0 || t[i] >= c) {
                throw new IllegalArgumentException(op + ": target " + t[i] + " at position " + i
                        + " is outside the class range [0, " + c + ")");
            }
        }
        return t;
    }
}
