package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Variance over axes with a correction: v = Σ(x − μ)² / (n − correction). Since Σ(x − μ) = 0,
 * the μ term drops out of the derivative: dv/dx = 2(x − μ) / (n − correction).
 */
public final class Var extends Function {
    private final int[] axes;
    private final int[] keptShape;
    private final double denominator;

    private Var(int[] inShape, int[] axes, int correction) {
        this.axes = axes;
        this.keptShape = Sum.keptShape(inShape, axes);
        this.denominator = Math.max(Sum.count(inShape, axes) - correction, 0);
    }

    /** The forward rule; {@code axes} null or empty means all; correction 1 is the unbiased estimate. */
    public static Variable apply(Variable x, int[] axes, int correction, boolean keepdim) {
        int[] ax = Shape.axes(axes, x.rank());
        Var fn = new Var(x.shape(), ax, correction);
        fn.save(x.value());
        return fn.record(x.value().var(ax, correction, keepdim), x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor x = saved(0);
        Tensor centred = x.sub(x.mean(axes, true));
        return new Tensor[] {centred.mul(g.reshape(keptShape)).mul(2.0 / denominator)};
    }
}
