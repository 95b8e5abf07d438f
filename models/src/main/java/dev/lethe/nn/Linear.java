package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Affine map {@code y = x·Wᵀ + b} over the last dimension (PyTorch's {@code nn.Linear}); weight
 * [out, in], bias [out]. Leading dimensions are merged into one GEMM, and Wᵀ is a view that BLAS
 * reads as a transposed flag, so no weight is copied.
 */
public final class Linear extends Module {
    private final int inFeatures;
    private final int outFeatures;
    private final Variable weight;
    private final Variable bias;

    /** With PyTorch's default init (weight and bias U(±1/√in)). */
    public Linear(int inFeatures, int outFeatures, boolean bias, Philox rng) {
        this(Init.defaultWeight(rng, checked(inFeatures, outFeatures)),
                bias ? Init.defaultBias(rng, new int[] {outFeatures, inFeatures}) : null);
    }

    /**
     * A layer holding the given initial weight [out, in] and bias [out] (null for none); the
     * tensors become the parameters themselves.
     */
    public Linear(Tensor weight, Tensor bias) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("a Linear weight is [out, in], got shape " + Shape.str(weight.shape()));
        }
        this.outFeatures = weight.size(0);
        this.inFeatures = weight.size(1);
        if (bias != null && !java.util.Arrays.equals(bias.shape(), new int[] {outFeatures})) {
            throw new IllegalArgumentException("a Linear bias for weight " + Shape.str(weight.shape())
                    + " is [" + outFeatures + "], got " + Shape.str(bias.shape()));
        }
        this.weight = registerParameter("weight", weight);
        this.bias = bias != null ? registerParameter("bias", bias) : null;
    }

    private static int[] checked(int inFeatures, int outFeatures) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Linear needs positive sizes, got in " + inFeatures + ", out "
                    + outFeatures);
        }
        return new int[] {outFeatures, inFeatures};
    }

    /** A Linear layer with a bias and PyTorch's default init. */
    public Linear(int inFeatures, int outFeatures, Philox rng) {
        this(inFeatures, outFeatures, true, rng);
    }

    @Override
    public Variable forward(Variable x) {
        if (x.rank() < 1 || x.size(-1) != inFeatures) {
            throw new IllegalArgumentException("Linear expects " + inFeatures + " input features, got input of shape "
                    + Shape.str(x.shape()));
        }
        Variable flat = x.rank() == 2 ? x : x.reshape(-1, inFeatures);
        Variable y = flat.matmul(weight.t());
        if (bias != null) {
            y = y.add(bias);
        }
        if (x.rank() == 2) {
            return y;
        }
        int[] outShape = x.shape();
        outShape[outShape.length - 1] = outFeatures;
        return y.reshape(outShape);
    }

    /** The weight [out, in]. */
    public Variable weight() {
        return weight;
    }

    /** The bias [out], or null. */
    public Variable bias() {
        return bias;
    }

    /** Input width. */
    public int inFeatures() {
        return inFeatures;
    }

    /** Output width. */
    public int outFeatures() {
        return outFeatures;
    }
}
