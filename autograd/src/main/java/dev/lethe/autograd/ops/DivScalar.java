package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** {@code x / c} for a constant c (a true division, not a multiplication by 1/c); d/dx = 1/c. */
public final class DivScalar extends Function {
    private final double c;

    private DivScalar(double c) {
        this.c = c;
    }

    /** The forward rule. */
    public static Variable apply(Variable x, double c) {
        DivScalar fn = new DivScalar(c);
        return fn.record(x.value().div(c), x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.div(c)};
    }
}
