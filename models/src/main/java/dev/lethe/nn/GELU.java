package dev.lethe.nn;

import dev.lethe.autograd.Variable;

/** The exact GELU, x·Φ(x) with the erf form of Φ (PyTorch's default {@code nn.GELU()}). */
public final class GELU extends Module {
    @Override
    public Variable forward(Variable x) {
        return x.gelu();
    }
}
