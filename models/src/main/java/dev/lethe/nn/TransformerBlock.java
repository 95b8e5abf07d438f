package dev.lethe.nn;

import dev.lethe.autograd.Variable;

/**
 * A pre-norm transformer encoder block (timm's ViT {@code Block}):
 * {@code x + attn(norm1(x))}, then {@code x + mlp(norm2(x))}.
 */
public final class TransformerBlock extends Module {
    private final LayerNorm norm1;
    private final MultiheadSelfAttention attn;
    private final Dropout projDrop;
    private final LayerNorm norm2;
    private final FeedForward mlp;

    TransformerBlock(LayerNorm norm1, MultiheadSelfAttention attn, Dropout projDrop, LayerNorm norm2,
                     FeedForward mlp) {
        this.norm1 = registerModule("norm1", norm1);
        this.attn = registerModule("attn", attn);
        this.projDrop = projDrop != null ? registerModule("proj_drop", projDrop) : null;
        this.norm2 = registerModule("norm2", norm2);
        this.mlp = registerModule("mlp", mlp);
    }

    @Override
    public Variable forward(Variable x) {
        Variable a = attn.forward(norm1.forward(x));
        if (projDrop != null) {
            a = projDrop.forward(a);
        }
        Variable y = x.add(a);
        return y.add(mlp.forward(norm2.forward(y)));
    }
}
