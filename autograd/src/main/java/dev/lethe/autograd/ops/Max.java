package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Maximum along one axis. The whole gradient of each output goes to the first maximum along
 * the axis (PyTorch's {@code max(dim)}): ties do not share it.
 */
public final class Max extends Function {
    private final int axis;
    private final int[] inShape;
    private final int[] keptShape;

    private Max(int[] inShape, int axis) {
        this.axis = axis;
        this.inShape = inShape;
        this.keptShape = Sum.keptShape(inShape, new int[] {axis});
    }

    /** The forward rule. */
    public static Variable apply(Variable x, int axis, boolean keepdim) {
        int a = Shape.axis(axis, x.rank());
        Max fn = new Max(x.shape(), a);
        Tensor out = x.value().max(a, keepdim);
        if (recording(x)) {
            fn.save(x.value().argmax(a, true));
        }
        return fn.record(out, x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor grad = g.fullLike(0.0, inShape);
        grad.scatterAdd_(axis, saved(0), g.reshape(keptShape).contiguous());
        return new Tensor[] {grad};
    }
}
