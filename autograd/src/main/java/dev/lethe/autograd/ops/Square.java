package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** {@code x²}; d/dx = 2x. */
public final class Square extends Function {
    private Square() {
    }

    /** The forward rule. */
    public static Variable apply(Variable x) {
        Square fn = new Square();
        fn.save(x.value());
        return fn.record(x.value().square(), x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.mul(saved(0)).mul(2.0)};
    }
}
