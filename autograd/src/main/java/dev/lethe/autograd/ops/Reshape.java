package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/**
 * Every change of shape that keeps the elements in row-major order: view, reshape, flatten,
 * squeeze, unsqueeze and contiguous. The gradient is the incoming one reshaped back.
 */
public final class Reshape extends Function {
    private final int[] inShape;

    private Reshape(int[] inShape) {
        this.inShape = inShape;
    }

    private static Variable of(Variable x, Tensor out) {
        return new Reshape(x.shape()).record(out, x);
    }

    /** A view with a new shape; fails where the strides do not allow one. */
    public static Variable view(Variable x, int... shape) {
        return of(x, x.value().view(shape));
    }

    /** A new shape, copying when the strides do not allow a view. */
    public static Variable reshape(Variable x, int... shape) {
        return of(x, x.value().reshape(shape));
    }

    /** Merges dimensions {@code start..end} (inclusive). */
    public static Variable flatten(Variable x, int start, int end) {
        return of(x, x.value().flatten(start, end));
    }

    /** Removes dimension {@code axis} of size 1. */
    public static Variable squeeze(Variable x, int axis) {
        return of(x, x.value().squeeze(axis));
    }

    /** Inserts a dimension of size 1. */
    public static Variable unsqueeze(Variable x, int axis) {
        return of(x, x.value().unsqueeze(axis));
    }

    /** The same values laid out contiguously (no copy when they already are). */
    public static Variable contiguous(Variable x) {
        return x.value().isContiguous() ? x : of(x, x.value().contiguous());
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.reshape(inShape)};
    }
}
