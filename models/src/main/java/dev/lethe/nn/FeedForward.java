package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/**
 * The transformer block's MLP (timm's {@code Mlp}): {@code fc1} D → hidden, exact GELU,
 * dropout, {@code fc2} hidden → D, dropout.
 */
public final class FeedForward extends Module {
    private final Linear fc1;
    private final Linear fc2;
    private final Dropout drop;

    /** From the two layers' initial weights and biases; {@code drop} may be null. */
    FeedForward(Tensor w1, Tensor b1, Tensor w2, Tensor b2, Dropout drop) {
        this.fc1 = registerModule("fc1", new Linear(w1, b1));
        this.fc2 = registerModule("fc2", new Linear(w2, b2));
        this.drop = drop != null ? registerModule("drop", drop) : null;
    }

    @Override
    public Variable forward(Variable x) {
        Variable h = fc1.forward(x).gelu();
        if (drop != null) {
            h = drop.forward(h);
        }
        Variable y = fc2.forward(h);
        return drop != null ? drop.forward(y) : y;
    }
}
