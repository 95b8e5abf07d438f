package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * {@code out[i][j] = x[index[i][j]][j]} along an axis (torch.gather). Backward scatters each
 * gradient element back to the position it was read from (scatter_add), accumulating repeats.
 */
public final class Gather extends Function {
    private final int[] inShape;
    private final int axis;

    private Gather(int[] inShape, int axis) {
        this.inShape = inShape;
        this.axis = axis;
    }

    /** The forward rule. */
    public static Variable apply(Variable x, int axis, Tensor index) {
        int a = Shape.axis(axis, x.rank());
        Tensor out = x.value().gather(a, index);
        Gather fn = new Gather(x.shape(), a);
        fn.save(index);
        return fn.record(out, x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor grad = g.fullLike(0.0, inShape);
        grad.scatterAdd_(axis, saved(0), g.contiguous());
        return new Tensor[] {grad};
    }
}
