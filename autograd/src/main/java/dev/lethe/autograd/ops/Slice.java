package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/**
 * Elements {@code start, start+step, ...} below {@code end} of one axis (narrow and Python
 * slicing). The gradient is zero except in the selected positions, which receive the incoming one.
 */
public final class Slice extends Function {
    private final int[] inShape;
    private final int axis;
    private final int start;
    private final int end;
    private final int step;

    private Slice(int[] inShape, int axis, int start, int end, int step) {
        this.inShape = inShape;
        this.axis = axis;
        this.start = start;
        this.end = end;
        this.step = step;
    }

    /** Python slicing (indices clamped, negative ones count from the end), step &gt; 0. */
    public static Variable apply(Variable x, int axis, int start, int end, int step) {
        Tensor out = x.value().slice(axis, start, end, step);
        return new Slice(x.shape(), axis, start, end, step).record(out, x);
    }

    /** Elements {@code start .. start+length−1}; out-of-range bounds are an error, as in Tensor.narrow. */
    public static Variable narrow(Variable x, int axis, int start, int length) {
        x.value().narrow(axis, start, length); // range check with Tensor's message
        return apply(x, axis, start, start + length, 1);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor grad = g.fullLike(0.0, inShape);
        grad.slice(axis, start, end, step).copyFrom_(g);
        return new Tensor[] {grad};
    }
}
