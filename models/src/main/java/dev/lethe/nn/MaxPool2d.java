package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Pool2dSpec;

/** Max pooling of [N, C, H, W]; the gradient goes to the first maximum of each window (PyTorch's rule). */
public final class MaxPool2d extends Module {
    private final Pool2dSpec spec;

    /** Square window {@code kernel}, {@code stride}, zero-size {@code padding} of −∞. */
    public MaxPool2d(int kernel, int stride, int padding) {
        this.spec = Pool2dSpec.of(kernel, stride, padding);
    }

    @Override
    public Variable forward(Variable x) {
        return x.maxPool2d(spec);
    }
}
