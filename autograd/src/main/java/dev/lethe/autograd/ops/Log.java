package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** Natural logarithm; d/dx = 1/x. */
public final class Log extends Function {
    private Log() {
    }

    /** The forward rule. */
    public static Variable apply(Variable x) {
        Log fn = new Log();
        fn.save(x.value());
        return fn.record(x.value().log(), x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.div(saved(0))};
    }
}
