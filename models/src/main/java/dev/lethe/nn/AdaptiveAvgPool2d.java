package dev.lethe.nn;

import dev.lethe.autograd.Variable;

/** Adaptive average pooling of [N, C, H, W] to a fixed output size (PyTorch's {@code nn.AdaptiveAvgPool2d}). */
public final class AdaptiveAvgPool2d extends Module {
    private final int outH;
    private final int outW;

    /** Pools to {@code outH × outW}. */
    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d needs a positive output size, got " + outH + "x"
                    + outW);
        }
        this.outH = outH;
        this.outW = outW;
    }

    @Override
    public Variable forward(Variable x) {
        return x.adaptiveAvgPool2d(outH, outW);
    }
}
