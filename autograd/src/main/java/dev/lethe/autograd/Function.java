package dev.lethe.autograd;

import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A node of the graph: one differentiable operation with its forward and backward rule side by
 * side. Every operation is a small subclass (see {@code dev.lethe.autograd.ops}) whose static
 * {@code apply} computes the forward result with {@link Tensor} operations or {@code Backend}
 * primitives, {@linkplain #save saves} what the backward rule needs, and {@linkplain #record
 * records} itself as the maker of the result:
 *
 * <pre>{@code
 * public static Variable apply(Variable a, Variable b) {
 *     Mul fn = new Mul();
 *     fn.save(a.value(), b.value());
 *     return fn.record(a.value().mul(b.value()), a, b);
 * }
 * protected Tensor[] backward(Tensor g) {
 *     return new Tensor[] {unbroadcast(g.mul(saved(1)), ...), unbroadcast(g.mul(saved(0)), ...)};
 * }
 * }</pre>
 *
 * <p>After a backward pass that does not retain the graph the node is released: its saved
 * tensors and its input references are dropped, so intermediates become unreachable, and a
 * second backward through it fails with a message saying so.
 */
public abstract class Function {
    private Variable[] inputs;
    private boolean[] needsGrad;
    private Tensor[] saved = new Tensor[0];
    private boolean released;

    /** For subclasses. */
    protected Function() {
    }

    /** The operation's name as printed in messages: the simple class name, e.g. {@code MatMul}. */
    public String name() {
        return getClass().getSimpleName();
    }

    /** True when an operation on these inputs must be recorded (recording on, some input requires grad). */
    protected static boolean recording(Variable... inputs) {
        if (NoGrad.isActive()) {
            return false;
        }
        for (Variable v : inputs) {
            if (v != null && v.requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Wraps the forward result {@code out}. When {@linkplain #recording recording}, this node
     * becomes its maker with the given inputs (null entries are non-differentiable arguments);
     * otherwise the result is a plain constant and this node is dropped.
     */
    protected final Variable record(Tensor out, Variable... inputs) {
        if (!recording(inputs)) {
            return new Variable(out, false, null);
        }
        this.inputs = inputs.clone();
        this.needsGrad = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            needsGrad[i] = inputs[i] != null && inputs[i].requiresGrad();
        }
        return new Variable(out, true, this);
    }

    /** Keeps tensors for the backward rule (replacing any saved before); read them with {@link #saved}. */
    protected final void save(Tensor... tensors) {
        this.saved = tensors.clone();
    }

    /** The i-th tensor given to {@link #save}. */
    protected final Tensor saved(int i) {
        if (released) {
            throw new IllegalStateException(name() + ": its saved tensors were released by an earlier backward");
        }
        return saved[i];
    }

    /** True when the backward rule must produce a gradient for input {@code i}. */
    protected final boolean needsInputGrad(int i) {
        return needsGrad[i];
    }

    /**
     * The backward rule: given the gradient of the loss with respect to this node's output,
     * returns the gradient with respect to each input, in the order given to {@link #record},
     * each of that input's shape (null where {@link #needsInputGrad} is false, or where no
     * gradient flows). The backward pass runs each call inside its own {@code MemoryScope} and
     * keeps only the returned tensors, so temporaries need no care here.
     *
     * <p>Contract: a returned tensor is either newly computed or a view of {@code gradOut};
     * never a tensor saved from the forward pass (the backward pass frees gradient storage it
     * allocated as soon as nothing needs it any more).
     */
    protected abstract Tensor[] backward(Tensor gradOut);

    /**
     * Sums a gradient of a broadcast result back to the shape of the operand that was
     * broadcast (over leading dimensions it lacked and over its size-1 dimensions), the inverse
     * of NumPy broadcasting. Returns {@code grad} itself when the shapes already match.
     */
    protected static Tensor unbroadcast(Tensor grad, int[] shape) {
        int[] g = grad.shape();
        int lead = g.length - shape.length;
        if (lead < 0) {
            throw new IllegalArgumentException("gradient " + Shape.str(g) + " has fewer dimensions than "
                    + Shape.str(shape) + "; it cannot have been broadcast from it");
        }
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < g.length; i++) {
            if (i < lead) {
                axes.add(i);
            } else if (shape[i - lead] == 1 && g[i] != 1) {
                axes.add(i);
            } else if (shape[i - lead] != g[i]) {
                throw new IllegalArgumentException("gradient " + Shape.str(g) + " does not broadcast from "
                        + Shape.str(shape));
            }
        }
        if (axes.isEmpty()) {
            return grad;
        }
        int[] ax = axes.stream().mapToInt(Integer::intValue).toArray();
        return grad.sum(ax, true).view(shape);
    }

    // ---- used by the backward pass ---------------------------------------------------------

    /** The inputs as recorded (null entries for non-differentiable arguments). */
    final Variable[] inputs() {
        return inputs;
    }

    /** True once a backward pass released this node. */
    final boolean isReleased() {
        return released;
    }

    /** Drops saved tensors and input references. */
    final void release() {
        released = true;
        saved = new Tensor[0];
        inputs = new Variable[inputs.length];
    }

    @Override
    public String toString() {
        return name() + (released ? " (released)" : "");
    }
}
