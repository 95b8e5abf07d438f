package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** Elementwise {@code a − b} with broadcasting: d/da = 1, d/db = −1. */
public final class Sub extends Function {
    private final int[] aShape;
    private final int[] bShape;

    private Sub(Variable a, Variable b) {
        this.aShape = a.shape();
        this.bShape = b.shape();
    }

    /** The forward rule; shapes must broadcast (the error names both). */
    public static Variable apply(Variable a, Variable b) {
        Sub fn = new Sub(a, b);
        return fn.record(a.value().sub(b.value()), a, b);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {
                needsInputGrad(0) ? unbroadcast(g, aShape) : null,
                needsInputGrad(1) ? unbroadcast(g.neg(), bShape) : null};
    }
}
