package dev.lethe.tensor;

/**
 * Which shapes a pooling primitive accepts (max, average and adaptive-average pooling over
 * [N, C, H, W] planes, forward and backward), one rule and one message for every backend.
 */
public final class PoolingRules {
    private PoolingRules() {
    }

    /** Fails unless {@code x} is a floating [N, C, H, W] tensor. */
    public static void requireNchw(Tensor x, String what, String op) {
        OperandRules.requireFloating(x, what, op);
        OperandRules.requireRank(x, 4, what, "[N, C, H, W]", op);
    }

    /** Fails when the window does not fit the padded input (PyTorch: "Output size is too small"). */
    public static void requireFits(Tensor x, Pool2dSpec spec, String op) {
        requireSpec(spec, op);
        int h = x.size(2);
        int w = x.size(3);
        if (h + 2 * spec.padH() < spec.kernelH() || w + 2 * spec.padW() < spec.kernelW()) {
            throw new IllegalArgumentException(op + ": window " + spec.kernelH() + "x" + spec.kernelW()
                    + " is larger than the padded input " + (h + 2 * spec.padH()) + "x" + (w + 2 * spec.padW())
                    + " of shape " + Shape.str(x.shape()));
        }
    }

    /** Fails unless {@code inputShape} is [N, C, H, W] with gradOut's N and C and positive H, W. */
    public static void requireInputShape(int[] inputShape, Tensor gradOut, String op) {
        if (inputShape == null || inputShape.length != 4 || inputShape[0] != gradOut.size(0)
                || inputShape[1] != gradOut.size(1) || inputShape[2] < 1 || inputShape[3] < 1) {
            throw new IllegalArgumentException(op + ": input shape " + Shape.str(inputShape)
                    + " must be [N, C, H, W] with N and C of gradOut " + Shape.str(gradOut.shape()));
        }
    }

    /** Fails unless the input shape fits the spec and gradOut has the matching output shape. */
    public static void requireBackward(Tensor gradOut, int[] inputShape, Pool2dSpec spec, String op) {
        requireSpec(spec, op);
        requireInputShape(inputShape, gradOut, op);
        if (inputShape[2] + 2 * spec.padH() < spec.kernelH() || inputShape[3] + 2 * spec.padW() < spec.kernelW()) {
            throw new IllegalArgumentException(op + ": window " + spec.kernelH() + "x" + spec.kernelW()
                    + " is larger than the padded input of shape " + Shape.str(inputShape));
        }
        int[] want = {inputShape[0], inputShape[1], spec.outH(inputShape[2]), spec.outW(inputShape[3])};
        OperandRules.requireShape(gradOut, want, "gradOut", op);
    }

    /** Fails unless max pooling's saved indices are int64 of gradOut's shape. */
    public static void requireIndices(Tensor indices, Tensor gradOut, String op) {
        OperandRules.requireDType(indices, DType.INT64, "indices", op);
        OperandRules.requireShape(indices, gradOut.shape(), "indices", op);
    }

    /** Fails unless an adaptive pooling's output grid and input plane are non-empty. */
    public static void requireAdaptive(int h, int w, int outH, int outW, String op) {
        if (outH < 1 || outW < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException(op + ": output size " + outH + "x" + outW + " and input size "
                    + h + "x" + w + " must be positive");
        }
    }

    /** Fails when the gradient of an adaptive pooling has an empty output grid. */
    public static void requireOutputGrid(Tensor gradOut, String op) {
        if (gradOut.size(2) < 1 || gradOut.size(3) < 1) {
            throw new IllegalArgumentException(op + ": gradOut " + Shape.str(gradOut.shape())
                    + " has an empty output grid");
        }
    }

    private static void requireSpec(Pool2dSpec spec, String op) {
        if (spec == null) {
            throw new IllegalArgumentException(op + ": pooling spec must not be null");
        }
    }
}
