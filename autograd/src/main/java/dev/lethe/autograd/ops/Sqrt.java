package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** {@code y = √x}; d/dx = 1/(2y). */
public final class Sqrt extends Function {
    private Sqrt() {
    }

    /** The forward rule. */
    public static Variable apply(Variable x) {
        Sqrt fn = new Sqrt();
        Tensor y = x.value().sqrt();
        fn.save(y);
        return fn.record(y, x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.div(saved(0)).mul(0.5)};
    }
}
