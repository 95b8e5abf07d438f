package dev.lethe.tensor;

import java.util.Arrays;

/**
 * Which operands batch and layer normalisation accept, forward and backward, one rule and one
 * message for every backend: the input's layout, per-channel and per-row parameters, the
 * statistics a forward pass saved for its backward.
 */
public final class NormRules {
    private NormRules() {
    }

    /** Fails unless a batch-norm input is a floating [N, C] or [N, C, ...] tensor. */
    public static void requireBatchNormInput(Tensor x, String op) {
        OperandRules.requireFloating(x, "input", op);
        if (x.rank() < 2) {
            throw new IllegalArgumentException(op + ": input must be [N, C] or [N, C, ...], got shape "
                    + Shape.str(x.shape()));
        }
    }

    /** Fails unless an optional per-channel tensor (null passes) is floating of shape [C]. */
    public static void requirePerChannel(Tensor p, int c, String what, String op) {
        if (p == null) {
            return;
        }
        OperandRules.requireFloating(p, what, op);
        OperandRules.requireShape(p, new int[] {c}, what, op);
    }

    /** Batch statistics need more than one value per channel (PyTorch's rule and message). */
    public static void requireBatchStatistics(long valuesPerChannel, Tensor x, String op) {
        if (valuesPerChannel <= 1) {
            throw new IllegalArgumentException(op + ": expected more than 1 value per channel when training, "
                    + "got input size " + Shape.str(x.shape()));
        }
    }

    /** Fails unless a batch-norm forward result holds its per-channel mean and invStd. */
    public static void requireSavedChannelStats(Tensor mean, Tensor invStd, int c, String op) {
        requirePerChannel(mean, c, "saved mean", op);
        requirePerChannel(invStd, c, "saved invStd", op);
        if (mean == null || invStd == null) {
            throw new IllegalArgumentException(op + ": the forward result lacks its mean or invStd");
        }
    }

    /** Fails unless gradOut has x's dtype and shape. */
    public static void requireLike(Tensor gradOut, Tensor x, String op) {
        OperandRules.requireDType(gradOut, x.dtype(), "gradOut", op);
        OperandRules.requireShape(gradOut, x.shape(), "gradOut", op);
    }

    /** The length D of a layer-norm row: the product of x's last {@code normDims} extents. */
    public static int rowLength(Tensor x, int normDims, String op) {
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

    /** Fails unless an optional layer-norm weight or bias (null passes) is floating of x's last normDims extents. */
    public static void requireAffine(Tensor p, Tensor x, int normDims, String what, String op) {
        if (p == null) {
            return;
        }
        OperandRules.requireFloating(p, what, op);
        int[] s = x.shape();
        OperandRules.requireShape(p, Arrays.copyOfRange(s, s.length - normDims, s.length), what, op);
    }

    /** Fails unless a saved layer-norm statistic holds one floating value per row. */
    public static void requireSavedRowStat(Tensor s, int rows, String what, String op) {
        if (s == null || s.numel() != rows) {
            throw new IllegalArgumentException(op + ": saved " + what + " must hold one value per row (" + rows
                    + "), got " + (s == null ? "null" : Shape.str(s.shape())));
        }
        OperandRules.requireFloating(s, "saved " + what, op);
    }

    /** x's shape with the normalised dimensions set to 1: the shape of the saved layer-norm statistics. */
    public static int[] statShape(int[] shape, int normDims) {
        int[] s = shape.clone();
        for (int i = s.length - normDims; i < s.length; i++) {
            s[i] = 1;
        }
        return s;
    }
}
