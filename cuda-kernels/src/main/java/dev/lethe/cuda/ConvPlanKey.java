package dev.lethe.cuda;

import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.OperandRules;
import dev.lethe.tensor.Shape;

/**
 * One convolution call as cuDNN plans it: the direction, the dtype and the NCHW sizes, input
 * [n, c, h, w], weight [o, c, kh, kw], output [n, o, oh, ow] with oh and ow from
 * {@link Conv2dSpec#outH}/{@link Conv2dSpec#outW}. It is the key of the {@link ConvAlgorithmCache}:
 * two calls with equal keys run the same algorithm with the same workspace.
 *
 * <p>The factories check every argument the way the CPU backend does (same rules, same
 * messages: groups are not supported, the dilated kernel must fit the padded input, dtypes must
 * agree), plus cuDNN's own limit of 2³¹ − 1 elements per tensor, so a bad call is an
 * {@link IllegalArgumentException} naming the operation before any native call.
 */
record ConvPlanKey(Direction direction, DType dtype, int n, int c, int h, int w, int o, int kh, int kw,
                   Conv2dSpec spec) {

    /** Which of the three convolution passes; each has its own cuDNN algorithm family. */
    enum Direction {
        FORWARD("conv2d"),
        BACKWARD_DATA("conv2dBackwardData"),
        BACKWARD_WEIGHT("conv2dBackwardWeight");

        /** The operation's name in messages, as the CPU backend names it. */
        final String op;

        Direction(String op) {
            this.op = op;
        }
    }

    /** y = conv(x, w) + bias; bias may be absent (both its dtype and shape null). */
    static ConvPlanKey forward(DType x, int[] xShape, DType w, int[] wShape, DType bias, int[] biasShape,
                               Conv2dSpec spec) {
        Direction d = Direction.FORWARD;
        OperandRules.requireFloating(x, "input", d.op);
        OperandRules.requireDType(w, x, "weight", d.op);
        ConvPlanKey key = of(d, x, xShape, wShape, spec);
        if (bias != null) {
            OperandRules.requireDType(bias, x, "bias", d.op);
            OperandRules.requireShape(biasShape, new int[] {key.o}, "bias", d.op);
        }
        return key;
    }

    /** dx from the output gradient and the weight, for an input of {@code inputShape}. */
    static ConvPlanKey backwardData(DType gradOut, int[] gradOutShape, DType w, int[] wShape, int[] inputShape,
                                    Conv2dSpec spec) {
        Direction d = Direction.BACKWARD_DATA;
        OperandRules.requireFloating(gradOut, "gradOut", d.op);
        OperandRules.requireDType(w, gradOut, "weight", d.op);
        ConvPlanKey key = of(d, gradOut, inputShape, wShape, spec);
        OperandRules.requireShape(gradOutShape, key.outputShape(), "gradOut", d.op);
        return key;
    }

    /** dw from the output gradient and the input, for a weight of {@code weightShape}. */
    static ConvPlanKey backwardWeight(DType gradOut, int[] gradOutShape, DType x, int[] xShape, int[] weightShape,
                                      Conv2dSpec spec) {
        Direction d = Direction.BACKWARD_WEIGHT;
        OperandRules.requireFloating(gradOut, "gradOut", d.op);
        OperandRules.requireDType(x, gradOut, "input", d.op);
        ConvPlanKey key = of(d, gradOut, xShape, weightShape, spec);
        OperandRules.requireShape(gradOutShape, key.outputShape(), "gradOut", d.op);
        return key;
    }

    /** The key of input shape {@code x} and weight shape {@code w}, or an exception naming what does not fit. */
    static ConvPlanKey of(Direction d, DType t, int[] x, int[] w, Conv2dSpec spec) {
        String op = d.op;
        if (spec == null) {
            throw new IllegalArgumentException(op + ": convolution spec must not be null");
        }
        spec.checkShapes(x, w, op); // the CPU's rule and messages; Conv2dSpec has no groups
        long paddedH = x[2] + 2L * spec.padH();
        long paddedW = x[3] + 2L * spec.padW();
        if (paddedH > Integer.MAX_VALUE || paddedW > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": padded input " + paddedH + "x" + paddedW + " is too large");
        }
        ConvPlanKey key = new ConvPlanKey(d, t, x[0], x[1], x[2], x[3], w[0], w[2], w[3], spec);
        if (key.oh() < 1 || key.ow() < 1) {
            throw new IllegalArgumentException(op + ": output size " + key.oh() + "x" + key.ow() + " of input "
                    + Shape.str(x) + " and weight " + Shape.str(w) + " is not positive");
        }
        for (int[] shape : new int[][] {key.inputShape(), key.weightShape(), key.outputShape()}) {
            if (numel(shape) > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(op + ": tensor " + Shape.str(shape) + " has more than 2^31 - 1 elements, "
                        + "cuDNN's limit per tensor");
            }
        }
        return key;
    }

    /** Output height. */
    int oh() {
        return spec.outH(h, kh);
    }

    /** Output width. */
    int ow() {
        return spec.outW(w, kw);
    }

    int[] inputShape() {
        return new int[] {n, c, h, w};
    }

    int[] weightShape() {
        return new int[] {o, c, kh, kw};
    }

    int[] outputShape() {
        return new int[] {n, o, oh(), ow()};
    }

    /** Whether one of the three tensors has no elements (cuDNN rejects zero extents; the caller fills instead). */
    boolean empty() {
        return numel(inputShape()) == 0 || numel(weightShape()) == 0 || numel(outputShape()) == 0;
    }

    static long numel(int[] shape) {
        long p = 1;
        for (int s : shape) {
            p *= s;
        }
        return p;
    }
}
