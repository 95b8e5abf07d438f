package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * 2-D convolution of [N, C, H, W] input (PyTorch's {@code nn.Conv2d}, square kernel, no groups);
 * weight [out, in, k, k], optional bias [out]. Default init is PyTorch's (U(±1/√fan_in)).
 */
public final class Conv2d extends Module {
    private final int inChannels;
    private final Conv2dSpec spec;
    private final Variable weight;
    private final Variable bias;

    /** With PyTorch's default init. */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias, Philox rng) {
        this(Init.defaultWeight(rng, shape(inChannels, outChannels, kernel)),
                bias ? Init.defaultBias(rng, shape(inChannels, outChannels, kernel)) : null, stride, padding);
    }

    /**
     * A layer holding the given initial weight [out, in, k, k] and bias [out] (null for none);
     * the tensors become the parameters themselves.
     */
    public Conv2d(Tensor weight, Tensor bias, int stride, int padding) {
        if (weight.rank() != 4 || weight.size(2) != weight.size(3)) {
            throw new IllegalArgumentException("a Conv2d weight is [out, in, k, k], got shape "
                    + Shape.str(weight.shape()));
        }
        if (bias != null && !java.util.Arrays.equals(bias.shape(), new int[] {weight.size(0)})) {
            throw new IllegalArgumentException("a Conv2d bias for weight " + Shape.str(weight.shape())
                    + " is [" + weight.size(0) + "], got " + Shape.str(bias.shape()));
        }
        this.inChannels = weight.size(1);
        this.spec = Conv2dSpec.of(stride, padding, 1);
        this.weight = registerParameter("weight", weight);
        this.bias = bias != null ? registerParameter("bias", bias) : null;
    }

    private static int[] shape(int inChannels, int outChannels, int kernel) {
        if (inChannels < 1 || outChannels < 1 || kernel < 1) {
            throw new IllegalArgumentException("Conv2d needs positive channels and kernel, got in " + inChannels
                    + ", out " + outChannels + ", kernel " + kernel);
        }
        return new int[] {outChannels, inChannels, kernel, kernel};
    }

    @Override
    public Variable forward(Variable x) {
        if (x.rank() != 4 || x.size(1) != inChannels) {
            throw new IllegalArgumentException("Conv2d expects input [N, " + inChannels + ", H, W], got shape "
                    + Shape.str(x.shape()));
        }
        return x.conv2d(weight, bias, spec);
    }

    /** The weight [out, in, k, k]. */
    public Variable weight() {
        return weight;
    }

    /** The bias [out], or null. */
    public Variable bias() {
        return bias;
    }

    /** Stride, padding and dilation. */
    public Conv2dSpec spec() {
        return spec;
    }
}
