package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.Tensor;

/**
 * Average pooling of x [N, C, H, W], padding counted in the divisor; each output's gradient is
 * spread evenly over its window.
 */
public final class AvgPool2d extends Function {
    private final int[] inShape;
    private final Pool2dSpec spec;

    private AvgPool2d(int[] inShape, Pool2dSpec spec) {
        this.inShape = inShape;
        this.spec = spec;
    }

    /** The forward rule. */
    public static Variable apply(Variable x, Pool2dSpec spec) {
        Tensor xv = x.value();
        Arguments.requireRank(xv, 4, "input", "avgPool2d");
        Arguments.requireFloating(xv, "input", "avgPool2d");
        Arguments.requireOutput(spec.outH(xv.size(2)), spec.outW(xv.size(3)), xv.shape(), "avgPool2d");
        Tensor out = xv.backend().avgPool2d(xv.contiguous(), spec);
        return new AvgPool2d(xv.shape(), spec).record(out, x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.backend().avgPool2dBackward(g.contiguous(), inShape, spec)};
    }
}
