package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** Elementwise {@code a · b} with broadcasting: d/da = b, d/db = a. */
public final class Mul extends Function {
    private final int[] aShape;
    private final int[] bShape;

    private Mul(Variable a, Variable b) {
        this.aShape = a.shape();
        this.bShape = b.shape();
    }

    /** The forward rule; shapes must broadcast (the error names both). */
    public static Variable apply(Variable a, Variable b) {
        Mul fn = new Mul(a, b);
        fn.save(a.value(), b.value());
        return fn.record(a.value().mul(b.value()), a, b);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {
                needsInputGrad(0) ? unbroadcast(g.mul(saved(1)), aShape) : null,
                needsInputGrad(1) ? unbroadcast(g.mul(saved(0)), bShape) : null};
    }
}
