package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** {@code x + c} for a constant c (subtraction passes −c, which is exact in IEEE arithmetic); d/dx = 1. */
public final class AddScalar extends Function {
    private final double c;

    private AddScalar(double c) {
        this.c = c;
    }

    /** The forward rule. */
    public static Variable apply(Variable x, double c) {
        AddScalar fn = new AddScalar(c);
        return fn.record(x.value().add(c), x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g};
    }
}
