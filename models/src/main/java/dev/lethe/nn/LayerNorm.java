package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Layer normalisation over the last dimension (PyTorch's {@code nn.LayerNorm(d, eps)}, Ba et al.
 * 2016) with an affine weight (1) and bias (0) of shape [d].
 */
public final class LayerNorm extends Module {
    private final int dim;
    private final double eps;
    private final Variable weight;
    private final Variable bias;

    /** Normalises the last dimension of size {@code dim} with {@code eps} (PyTorch's default 1e-5, timm's ViT 1e-6). */
    public LayerNorm(int dim, double eps) {
        if (dim < 1 || !(eps > 0)) {
            throw new IllegalArgumentException("LayerNorm needs dim >= 1 and eps > 0, got " + dim + " and " + eps);
        }
        this.dim = dim;
        this.eps = eps;
        this.weight = registerParameter("weight", Tensor.ones(DType.FLOAT32, dim));
        this.bias = registerParameter("bias", Tensor.zeros(DType.FLOAT32, dim));
    }

    @Override
    public Variable forward(Variable x) {
        if (x.rank() < 1 || x.size(-1) != dim) {
            throw new IllegalArgumentException("LayerNorm expects a last dimension of " + dim + ", got shape "
                    + Shape.str(x.shape()));
        }
        return x.layerNorm(1, weight, bias, eps);
    }
}
