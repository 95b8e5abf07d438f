package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/** Sum over axes (all when none given); the gradient is the incoming one broadcast back over those axes. */
public final class Sum extends Function {
    private final int[] inShape;
    private final int[] keptShape;

    private Sum(int[] inShape, int[] axes) {
        this.inShape = inShape;
        this.keptShape = keptShape(inShape, axes);
    }

    /** The forward rule; {@code axes} null or empty means all. */
    public static Variable apply(Variable x, int[] axes, boolean keepdim) {
        int[] ax = Shape.axes(axes, x.rank());
        Sum fn = new Sum(x.shape(), ax);
        return fn.record(x.value().sum(ax, keepdim), x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.reshape(keptShape).expand(inShape)};
    }

    /** The input shape with the reduced axes set to 1 (the keepdim shape). */
    static int[] keptShape(int[] shape, int[] axes) {
        int[] kept = shape.clone();
        for (int a : axes) {
            kept[a] = 1;
        }
        return kept;
    }

    /** The number of elements reduced into each output element. */
    static long count(int[] shape, int[] axes) {
        long n = 1;
        for (int a : axes) {
            n *= shape[a];
        }
        return n;
    }
}
