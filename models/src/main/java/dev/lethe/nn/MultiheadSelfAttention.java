package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Shape;

/**
 * Multi-head self-attention as timm's ViT {@code Attention} (Vaswani et al. 2017, eq. 1 with
 * heads as in §3.2.2): {@code qkv} Linear D → 3D (with bias), split as (B, N, 3, H, D/H), per head
 * softmax(q·kᵀ·(D/H)^-½)·v over the keys, heads joined back to (B, N, D), then {@code proj}
 * Linear D → D. The q, k and v heads are strided views that BLAS reads directly (kᵀ as a
 * transposed flag); only the joined heads are copied once.
 */
public final class MultiheadSelfAttention extends Module {
    private final int dim;
    private final int heads;
    private final double scale;
    private final Linear qkv;
    private final Linear proj;

    /** Attention over {@code dim}-wide tokens with {@code heads} heads; Linear layers take PyTorch's default init. */
    public MultiheadSelfAttention(int dim, int heads, boolean qkvBias, Philox rng) {
        this(new Linear(dim, 3 * checkHeads(dim, heads), qkvBias, rng), new Linear(dim, dim, true, rng), heads);
    }

    /** Attention with given projections: {@code qkv} D → 3D and {@code proj} D → D. */
    public MultiheadSelfAttention(Linear qkv, Linear proj, int heads) {
        int d = proj.inFeatures();
        checkHeads(d, heads);
        if (proj.outFeatures() != d || qkv.inFeatures() != d || qkv.outFeatures() != 3 * d) {
            throw new IllegalArgumentException("attention needs qkv " + d + " -> " + 3 * d + " and proj " + d + " -> "
                    + d + ", got qkv " + qkv.inFeatures() + " -> " + qkv.outFeatures() + " and proj "
                    + proj.inFeatures() + " -> " + proj.outFeatures());
        }
        this.dim = d;
        this.heads = heads;
        this.scale = Math.pow(d / heads, -0.5);
        this.qkv = registerModule("qkv", qkv);
        this.proj = registerModule("proj", proj);
    }

    private static int checkHeads(int dim, int heads) {
        if (heads < 1 || dim < 1 || dim % heads != 0) {
            throw new IllegalArgumentException("embed_dim " + dim + " is not divisible by num_heads " + heads);
        }
        return dim;
    }

    @Override
    public Variable forward(Variable x) {
        if (x.rank() != 3 || x.size(2) != dim) {
            throw new IllegalArgumentException("attention expects tokens [B, N, " + dim + "], got shape "
                    + Shape.str(x.shape()));
        }
        int b = x.size(0);
        int n = x.size(1);
        Variable tokens = x.reshape(b * n, dim);
        Variable q = project(tokens, 0, scale, b, n);
        Variable k = project(tokens, 1, 1.0, b, n);
        Variable v = project(tokens, 2, 1.0, b, n);
        Variable attn = q.matmul(k.transpose(-2, -1)).softmax(-1);
        Variable out = attn.matmul(v).transpose(1, 2).reshape(b, n, dim);
        return proj.forward(out);
    }

    /**
     * Rows {@code part·D .. part·D+D−1} of the qkv projection, i.e. q, k or v, as heads
     * [B, H, N, D/H]. Computing the three parts from views of the one qkv weight gives exactly
     * timm's split of its (B, N, 3, H, D/H) output, but their gradients flow back into
     * activation-sized buffers only once instead of through three zero-padded copies of the
     * whole qkv output. The attention scale is folded into the query weights and bias, since
     * (s·W)x + s·b = s·(Wx + b): the [B, H, N, N] scores then need no scaling pass (s is a power
     * of two for the usual head widths, where this is exact).
     */
    private Variable project(Variable tokens, int part, double factor, int b, int n) {
        Variable w = qkv.weight().narrow(0, part * dim, dim);
        Variable bias = qkv.bias() == null ? null : qkv.bias().narrow(0, part * dim, dim);
        if (factor != 1.0) {
            w = w.mul(factor);
            bias = bias == null ? null : bias.mul(factor);
        }
        Variable y = tokens.matmul(w.t());
        if (bias != null) {
            y = y.add(bias);
        }
        return y.view(b, n, heads, dim / heads).permute(0, 2, 1, 3);
    }

    /** The qkv projection (D → 3D). */
    public Linear qkv() {
        return qkv;
    }

    /** The output projection (D → D). */
    public Linear proj() {
        return proj;
    }
}
