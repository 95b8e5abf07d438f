package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Softmax y = e^x / Σ e^x, or log-softmax, along one axis. Backward from the output:
 * dx = y ⊙ (dy − Σ dy⊙y) for softmax, dx = dy − e^y·Σ dy for log-softmax (the backend primitive).
 */
public final class Softmax extends Function {
    private final int axis;
    private final boolean log;

    private Softmax(int axis, boolean log) {
        this.axis = axis;
        this.log = log;
    }

    /** The forward rule: softmax, or log-softmax when {@code log}. */
    public static Variable apply(Variable x, int axis, boolean log) {
        int a = Shape.axis(axis, x.rank());
        Tensor y = log ? x.value().logSoftmax(a) : x.value().softmax(a);
        Softmax fn = new Softmax(a, log);
        fn.save(y);
        return fn.record(y, x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor y = saved(0);
        return new Tensor[] {y.backend().softmaxBackward(g.contiguous(), y, axis, log)};
    }
}
