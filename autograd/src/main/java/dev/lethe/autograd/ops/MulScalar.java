package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** {@code x · c} for a constant c; d/dx = c. */
public final class MulScalar extends Function {
    private final double c;

    private MulScalar(double c) {
        this.c = c;
    }

    /** The forward rule. */
    public static Variable apply(Variable x, double c) {
        MulScalar fn = new MulScalar(c);
        return fn.record(x.value().mul(c), x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.mul(c)};
    }
}
