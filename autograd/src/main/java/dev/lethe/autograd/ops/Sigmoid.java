package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** {@code y = 1/(1 + e^−x)}; d/dx = y·(1 − y). */
public final class Sigmoid extends Function {
    private Sigmoid() {
    }

    /** The forward rule. */
    public static Variable apply(Variable x) {
        Sigmoid fn = new Sigmoid();
        Tensor y = x.value().sigmoid();
        fn.save(y);
        return fn.record(y, x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.mul(saved(0)).mul(saved(0).neg().add(1.0))};
    }
}
