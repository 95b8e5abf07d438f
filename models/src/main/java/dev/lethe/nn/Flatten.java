package dev.lethe.nn;

import dev.lethe.autograd.Variable;

/** Merges every dimension after the first: [N, d1, d2, ...] → [N, d1·d2·...] (PyTorch's {@code nn.Flatten()}). */
public final class Flatten extends Module {
    @Override
    public Variable forward(Variable x) {
        if (x.rank() <= 2) {
            return x;
        }
        return x.flatten(1, x.rank() - 1);
    }
}
