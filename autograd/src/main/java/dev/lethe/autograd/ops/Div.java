package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** Elementwise {@code y = a / b} with broadcasting: d/da = 1/b, d/db = −a/b² = −y/b. */
public final class Div extends Function {
    private final int[] aShape;
    private final int[] bShape;

    private Div(Variable a, Variable b) {
        this.aShape = a.shape();
        this.bShape = b.shape();
    }

    /** The forward rule; shapes must broadcast (the error names both). */
    public static Variable apply(Variable a, Variable b) {
        Div fn = new Div(a, b);
        Tensor y = a.value().div(b.value());
        fn.save(b.value(), y);
        return fn.record(y, a, b);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor gOverB = g.div(saved(0));
        return new Tensor[] {
                needsInputGrad(0) ? unbroadcast(gOverB, aShape) : null,
                needsInputGrad(1) ? unbroadcast(gOverB.mul(saved(1)).neg(), bShape) : null};
    }
}
