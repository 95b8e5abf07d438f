package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** {@code −x}; the gradient is negated. */
public final class Neg extends Function {
    private Neg() {
    }

    /** The forward rule. */
    public static Variable apply(Variable x) {
        Neg fn = new Neg();
        return fn.record(x.value().neg(), x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.neg()};
    }
}
