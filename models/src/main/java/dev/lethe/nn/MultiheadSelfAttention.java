package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Shape;

/**
 * Multi-head self-attention as timm's ViT {@code Attention} (Vaswani et al. 2017, eq. 1 with
 * heads as in §3.2.2): {@code qkv} Linear D → 3D (with bias), split as (B, N, 3, H, D/H), per head
 * softmax(q·kᵀ·(D/H)^-½)·v over the keys, heads joined back to (B, N, D), then {@code proj}
 * Linear D → D. The q, k and v heads are strided views of the qkv output that BLAS reads
 * directly (kᵀ as a transposed flag); only the joined heads are copied once.
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
        int headDim = dim / heads;
        // [B, N, 3D] -> [3, B, H, N, D/H]
        Variable parts = qkv.forward(x).view(b, n, 3, heads, headDim).permute(2, 0, 3, 1, 4);
        Variable q = parts.select(0, 0);
        Variable k = parts.select(0, 1);
        Variable v = parts.select(0, 2);
        Variable attn = q.matmul(k.transpose(-2, -1)).mul(scale).softmax(-1);
        Variable out = attn.matmul(v).transpose(1, 2).reshape(b, n, dim);
        return proj.forward(out);
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
