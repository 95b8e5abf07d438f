package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Philox;

/**
 * timm's {@code PatchEmbed}: a p×p convolution with stride p ({@code proj}, PyTorch's Conv2d
 * default init) cuts [B, C, H, W] into (H/p)·(W/p) patches of width D, returned as tokens
 * [B, P, D] in row-major patch order.
 */
public final class PatchEmbed extends Module {
    private final Conv2d proj;

    /** Patches of {@code patchSize}² pixels over {@code inChannels} channels, embedded in {@code embedDim}. */
    public PatchEmbed(int inChannels, int embedDim, int patchSize, Philox rng) {
        this.proj = registerModule("proj", new Conv2d(inChannels, embedDim, patchSize, patchSize, 0, true, rng));
    }

    @Override
    public Variable forward(Variable x) {
        Variable y = proj.forward(x); // [B, D, h, w]
        return y.flatten(2, 3).transpose(1, 2);
    }
}
