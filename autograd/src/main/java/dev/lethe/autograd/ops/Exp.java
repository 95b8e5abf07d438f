package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** {@code y = e^x}; d/dx = y. */
public final class Exp extends Function {
    private Exp() {
    }

    /** The forward rule. */
    public static Variable apply(Variable x) {
        Exp fn = new Exp();
        Tensor y = x.value().exp();
        fn.save(y);
        return fn.record(y, x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.mul(saved(0))};
    }
}
