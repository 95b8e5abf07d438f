package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/** Reorders dimensions (transpose, t, permute); the gradient is permuted back by the inverse order. */
public final class Permute extends Function {
    private final int[] inverse;

    private Permute(int[] order) {
        this.inverse = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            inverse[order[i]] = i;
        }
    }

    /** The forward rule: result dimension i is dimension {@code order[i]} of x. */
    public static Variable apply(Variable x, int... order) {
        Tensor out = x.value().permute(order); // checks the order
        int[] normalised = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            normalised[i] = Shape.axis(order[i], order.length);
        }
        return new Permute(normalised).record(out, x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.permute(inverse)};
    }
}
