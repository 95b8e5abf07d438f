package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/**
 * PyTorch's adaptive average pooling of x [N, C, H, W] to a fixed output size (windows
 * [⌊i·H/oh⌋, ⌈(i+1)·H/oh⌉)); each output's gradient is spread evenly over its window.
 */
public final class AdaptiveAvgPool2d extends Function {
    private final int[] inShape;

    private AdaptiveAvgPool2d(int[] inShape) {
        this.inShape = inShape;
    }

    /** The forward rule. */
    public static Variable apply(Variable x, int outH, int outW) {
        Tensor xv = x.value();
        Arguments.requireRank(xv, 4, "input", "adaptiveAvgPool2d");
        Arguments.requireFloating(xv, "input", "adaptiveAvgPool2d");
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("adaptiveAvgPool2d: output size " + outH + " x " + outW
                    + " must be positive");
        }
        if (xv.size(2) < 1 || xv.size(3) < 1) {
            throw new IllegalArgumentException("adaptiveAvgPool2d: input " + java.util.Arrays.toString(xv.shape())
                    + " has an empty spatial dimension");
        }
        Tensor out = xv.backend().adaptiveAvgPool2d(xv.contiguous(), outH, outW);
        return new AdaptiveAvgPool2d(xv.shape()).record(out, x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.backend().adaptiveAvgPool2dBackward(g.contiguous(), inShape)};
    }
}
