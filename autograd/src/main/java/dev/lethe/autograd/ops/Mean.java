package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/** Mean over axes (all when none given); d/dx = 1/n, broadcast back over those axes. */
public final class Mean extends Function {
    private final int[] inShape;
    private final int[] keptShape;
    private final double count;

    private Mean(int[] inShape, int[] axes) {
        this.inShape = inShape;
        this.keptShape = Sum.keptShape(inShape, axes);
        this.count = Sum.count(inShape, axes);
    }

    /** The forward rule; {@code axes} null or empty means all. */
    public static Variable apply(Variable x, int[] axes, boolean keepdim) {
        int[] ax = Shape.axes(axes, x.rank());
        Mean fn = new Mean(x.shape(), ax);
        return fn.record(x.value().mean(ax, keepdim), x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.div(count).reshape(keptShape).expand(inShape)};
    }
}
