package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** {@code x^c} for a constant exponent c; d/dx = c·x^(c−1). */
public final class PowScalar extends Function {
    private final double c;

    private PowScalar(double c) {
        this.c = c;
    }

    /** The forward rule. */
    public static Variable apply(Variable x, double c) {
        PowScalar fn = new PowScalar(c);
        fn.save(x.value());
        return fn.record(x.value().pow(c), x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.mul(saved(0).pow(c - 1.0).mul(c))};
    }
}
