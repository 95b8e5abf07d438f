package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** {@code y = tanh x}; d/dx = 1 − y². */
public final class Tanh extends Function {
    private Tanh() {
    }

    /** The forward rule. */
    public static Variable apply(Variable x) {
        Tanh fn = new Tanh();
        Tensor y = x.value().tanh();
        fn.save(y);
        return fn.record(y, x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.mul(saved(0).square().neg().add(1.0))};
    }
}
