package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** The slice at one index of an axis, that axis removed; the gradient is zero elsewhere. */
public final class Select extends Function {
    private final int[] inShape;
    private final int axis;
    private final int index;

    private Select(int[] inShape, int axis, int index) {
        this.inShape = inShape;
        this.axis = axis;
        this.index = index;
    }

    /** The forward rule (negative axis and index count from the end). */
    public static Variable apply(Variable x, int axis, int index) {
        Tensor out = x.value().select(axis, index);
        return new Select(x.shape(), axis, index).record(out, x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor grad = g.fullLike(0.0, inShape);
        grad.select(axis, index).copyFrom_(g);
        return new Tensor[] {grad};
    }
}
