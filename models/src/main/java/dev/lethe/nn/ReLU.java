package dev.lethe.nn;

import dev.lethe.autograd.Variable;

/** max(x, 0), with ReLU′(0) = 0 as in PyTorch. */
public final class ReLU extends Module {
    @Override
    public Variable forward(Variable x) {
        return x.relu();
    }
}
