package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.UnaryOp;

/** Exact GELU x·Φ(x) (Hendrycks &amp; Gimpel 2016); d/dx = Φ(x) + x·φ(x) ({@link UnaryOp#GELU_GRAD}). */
public final class Gelu extends Function {
    private Gelu() {
    }

    /** The forward rule. */
    public static Variable apply(Variable x) {
        Gelu fn = new Gelu();
        fn.save(x.value());
        return fn.record(x.value().gelu(), x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.mul(saved(0).map(UnaryOp.GELU_GRAD))};
    }
}
