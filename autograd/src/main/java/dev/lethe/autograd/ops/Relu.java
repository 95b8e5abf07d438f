package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.UnaryOp;

/** max(x, 0); d/dx = step(x) with step(0) = 0, as PyTorch defines ReLU′(0). */
public final class Relu extends Function {
    private Relu() {
    }

    /** The forward rule. */
    public static Variable apply(Variable x) {
        Relu fn = new Relu();
        fn.save(x.value());
        return fn.record(x.value().relu(), x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.mul(saved(0).map(UnaryOp.STEP))};
    }
}
