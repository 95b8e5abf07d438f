package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** Broadcast view to a larger shape; the gradient is summed back over the broadcast dimensions. */
public final class Expand extends Function {
    private final int[] inShape;

    private Expand(int[] inShape) {
        this.inShape = inShape;
    }

    /** The forward rule (size-1 and new leading dimensions grow; −1 keeps a size). */
    public static Variable apply(Variable x, int... shape) {
        return new Expand(x.shape()).record(x.value().expand(shape), x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {unbroadcast(g, inShape)};
    }
}
