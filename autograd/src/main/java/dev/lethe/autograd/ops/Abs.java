package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.UnaryOp;

/** {@code |x|}; d/dx = sign(x), which is 0 at 0 (PyTorch's convention). */
public final class Abs extends Function {
    private Abs() {
    }

    /** The forward rule. */
    public static Variable apply(Variable x) {
        Abs fn = new Abs();
        fn.save(x.value());
        return fn.record(x.value().abs(), x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.mul(saved(0).map(UnaryOp.SIGN))};
    }
}
