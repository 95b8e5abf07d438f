package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Whole slices of x along an axis at the positions of a 1-D index (torch.index_select, e.g. an
 * embedding lookup). Backward adds each output slice's gradient into the slice it came from
 * (index_add), so repeated indices accumulate.
 */
public final class IndexSelect extends Function {
    private final int[] inShape;
    private final int axis;

    private IndexSelect(int[] inShape, int axis) {
        this.inShape = inShape;
        this.axis = axis;
    }

    /** The forward rule. */
    public static Variable apply(Variable x, int axis, Tensor index) {
        int a = Shape.axis(axis, x.rank());
        Tensor out = x.value().indexSelect(a, index);
        IndexSelect fn = new IndexSelect(x.shape(), a);
        fn.save(index);
        return fn.record(out, x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor grad = g.fullLike(0.0, inShape);
        grad.indexAdd_(axis, saved(0), g.contiguous());
        return new Tensor[] {grad};
    }
}
