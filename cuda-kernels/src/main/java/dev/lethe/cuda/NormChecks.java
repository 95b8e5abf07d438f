package dev.lethe.cuda;

import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.util.Arrays;

/**
 * The checks and layouts of batch and layer normalisation before any launch: the CPU backend's
 * rules (its {@code BatchNorm} and {@code LayerNorm} checks) with the same messages.
 */
final class NormChecks {
    private NormChecks() {
    }

    /**
     * A batch-norm input [N, C, S...] seen per channel: N·S values in each of C channels, at
     * offset (n·C + c)·S + s in the dense tensor.
     */
    record ChannelLayout(int n, int c, int spatial) {
        /** Values per channel, N·S. */
        long perChannel() {
            return (long) n * spatial;
        }
    }

    /** Fails unless x is a floating [N, C] or [N, C, ...] tensor; its per-channel layout. */
    static ChannelLayout batchNormInput(Tensor x, String op) {
        OperandChecks.requireFloating(x, "input", op);
        if (x.rank() < 2) {
            throw new IllegalArgumentException(op + ": input must be [N, C] or [N, C, ...], got shape "
                    + Shape.str(x.shape()));
        }
        int[] s = x.shape();
        long spatial = 1;
        for (int i = 2; i < s.length; i++) {
            spatial *= s[i];
        }
        return new ChannelLayout(s[0], s[1], Math.toIntExact(spatial));
    }

    /** Fails unless an optional per-channel parameter (null passes) is floating of shape [C]. */
    static void requirePerChannel(Tensor p, int c, String what, String op) {
        if (p == null) {
            return;
        }
        OperandChecks.requireFloating(p, what, op);
        OperandChecks.requireShape(p, new int[] {c}, what, op);
    }

    /** Batch statistics need more than one value per channel (PyTorch's rule and message). */
    static void requireBatchStatistics(ChannelLayout l, Tensor x, String op) {
        if (l.perChannel() <= 1) {
            throw new IllegalArgumentException(op + ": expected more than 1 value per channel when training, got input size "
                    + Shape.str(x.shape()));
        }
    }

    /** Fails unless gradOut has x's dtype and shape. */
    static void requireLike(Tensor gradOut, Tensor x, String op) {
        OperandChecks.requireDType(gradOut, x.dtype(), "gradOut", op);
        OperandChecks.requireShape(gradOut, x.shape(), "gradOut", op);
    }

    /** Fails unless the batch-norm forward result holds its per-channel mean and invStd. */
    static void requireSavedChannelStats(Tensor mean, Tensor invStd, int c, String op) {
        requirePerChannel(mean, c, "saved mean", op);
        requirePerChannel(invStd, c, "saved invStd", op);
        if (mean == null || invStd == null) {
            throw new IllegalArgumentException(op + ": the forward result lacks its mean or invStd");
        }
    }

    /** The length D of a layer-norm row, the product of x's last normDims extents. */
    static int rowLength(Tensor x, int normDims, String op) {
        if (normDims < 1 || normDims > x.rank()) {
            throw new IllegalArgumentException(op + ": normDims " + normDims + " must be in [1, " + x.rank()
                    + "] for input " + Shape.str(x.shape()));
        }
        int[] s = x.shape();
        long d = 1;
        for (int i = s.length - normDims; i < s.length; i++) {
            d *= s[i];
        }
        return Math.toIntExact(d);
    }

    /** Rows of a layer-norm input with rows of d elements (none when d is 0). */
    static int rows(Tensor x, int d) {
        return d == 0 ? 0 : x.numel() / d;
    }

    /** Fails unless an optional layer-norm weight or bias (null passes) is floating of shape x.shape[-normDims:]. */
    static void requireAffine(Tensor p, Tensor x, int normDims, String what, String op) {
        if (p == null) {
            return;
        }
        OperandChecks.requireFloating(p, what, op);
        int[] s = x.shape();
        OperandChecks.requireShape(p, Arrays.copyOfRange(s, s.length - normDims, s.length), what, op);
    }

    /** Fails unless a saved layer-norm statistic holds one floating value per row. */
    static void requireSavedRowStat(Tensor s, int rows, String what, String op) {
        if (s == null || s.numel() != rows) {
            throw new IllegalArgumentException(op + ": saved " + what + " must hold one value per row (" + rows + "), got "
                    + (s == null ? "null" : Shape.str(s.shape())));
        }
        OperandChecks.requireFloating(s, "saved " + what, op);
    }

    /** x's shape with the normalised dimensions set to 1: the shape of the saved layer-norm statistics. */
    static int[] statShape(int[] shape, int normDims) {
        int[] s = shape.clone();
        for (int i = s.length - normDims; i < s.length; i++) {
            s[i] = 1;
        }
        return s;
    }
}
