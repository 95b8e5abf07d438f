package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/** Elementwise {@code a + b} with broadcasting; both gradients are the incoming one summed back to each operand's shape. */
public final class Add extends Function {
    private final int[] aShape;
    private final int[] bShape;

    private Add(Variable a, Variable b) {
        this.aShape = a.shape();
        this.bShape = b.shape();
    }

    /** The forward rule; shapes must broadcast (the error names both). */
    public static Variable apply(Variable a, Variable b) {
        Add fn = new Add(a, b);
        return fn.record(a.value().add(b.value()), a, b);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {
                needsInputGrad(0) ? unbroadcast(g, aShape) : null,
                needsInputGrad(1) ? unbroadcast(g, bShape) : null};
    }
}
