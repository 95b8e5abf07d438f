package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.Tensor;

/**
 * Max pooling of x [N, C, H, W]; each output's gradient goes to the first maximum of its window
 * (scan order), whose position the forward primitive records.
 */
public final class MaxPool2d extends Function {
    private final int[] inShape;

    private MaxPool2d(int[] inShape) {
        this.inShape = inShape;
    }

    /** The forward rule. */
    public static Variable apply(Variable x, Pool2dSpec spec) {
        Tensor xv = x.value();
        Arguments.requireRank(xv, 4, "input", "maxPool2d");
        Arguments.requireFloating(xv, "input", "maxPool2d");
        Arguments.requireOutput(spec.outH(xv.size(2)), spec.outW(xv.size(3)), xv.shape(), "maxPool2d");
        Backend.Pooled pooled = xv.backend().maxPool2d(xv.contiguous(), spec);
        MaxPool2d fn = new MaxPool2d(xv.shape());
        fn.save(pooled.indices());
        return fn.record(pooled.output(), x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.backend().maxPool2dBackward(g.contiguous(), saved(0), inShape)};
    }
}
