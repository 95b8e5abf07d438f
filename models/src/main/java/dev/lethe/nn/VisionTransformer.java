package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A small Vision Transformer (Dosovitskiy et al. 2021) with timm's {@code VisionTransformer}
 * names and semantics: {@code patch_embed.proj} cuts the image into p×p patches, a class token
 * {@code cls_token} is prepended and the learned {@code pos_embed} added, then {@code depth}
 * pre-norm blocks {@code blocks.i} (LayerNorm eps 1e-6, attention with qkv bias, exact-GELU MLP
 * of width ⌊D·mlp_ratio⌋), the final {@code norm} and the classifier {@code head} on the class
 * token.
 *
 * <p>Init as timm: Linear weights truncated normal (std 0.02, cut at ±2), biases 0,
 * {@code pos_embed} truncated normal (std 0.02), {@code cls_token} N(0, 1e-6²), LayerNorm 1/0,
 * {@code patch_embed.proj} PyTorch's Conv2d default. Draw order: patch_embed.proj, cls_token,
 * pos_embed, then each block's qkv, proj, fc1, fc2, then head.
 */
public final class VisionTransformer extends Module {
    /** timm's ViT LayerNorm eps. */
    public static final double LN_EPS = 1e-6;
    private static final double STD = 0.02;

    private final int imageSize;
    private final int inChannels;
    private final int embedDim;
    private final Variable clsToken;
    private final Variable posEmbed;
    private final PatchEmbed patchEmbed;
    private final Dropout posDrop;
    private final List<TransformerBlock> blocks = new ArrayList<>();
    private final LayerNorm norm;
    private final Dropout headDrop;
    private final Linear head;

    /**
     * A ViT for {@code imageSize}² images of {@code inChannels} channels; {@code dropout} (0 for
     * none) is timm's {@code drop_rate}: after the position embedding, the attention projection,
     * both MLP layers, and before the head.
     */
    public VisionTransformer(int imageSize, int patchSize, int inChannels, int embedDim, int depth, int numHeads,
                             double mlpRatio, int numClasses, double dropout, Philox rng) {
        validate(imageSize, patchSize, inChannels, embedDim, depth, numHeads, mlpRatio, numClasses);
        this.imageSize = imageSize;
        this.inChannels = inChannels;
        this.embedDim = embedDim;
        int patches = (imageSize / patchSize) * (imageSize / patchSize);
        PatchEmbed pe = new PatchEmbed(inChannels, embedDim, patchSize, rng);
        this.clsToken = registerParameter("cls_token", Init.normal(rng, 1e-6, 1, 1, embedDim));
        this.posEmbed = registerParameter("pos_embed", truncNormal(rng, 1, 1 + patches, embedDim));
        this.patchEmbed = registerModule("patch_embed", pe);
        this.posDrop = dropout > 0 ? registerModule("pos_drop", new Dropout(dropout, rng)) : null;
        int hidden = (int) (embedDim * mlpRatio);
        Sequential seq = new Sequential();
        for (int i = 0; i < depth; i++) {
            MultiheadSelfAttention attn = new MultiheadSelfAttention(linear(rng, embedDim, 3 * embedDim),
                    linear(rng, embedDim, embedDim), numHeads);
            FeedForward mlp = new FeedForward(truncNormal(rng, hidden, embedDim), Tensor.zeros(DType.FLOAT32, hidden),
                    truncNormal(rng, embedDim, hidden), Tensor.zeros(DType.FLOAT32, embedDim),
                    dropout > 0 ? new Dropout(dropout, rng) : null);
            TransformerBlock block = new TransformerBlock(new LayerNorm(embedDim, LN_EPS), attn,
                    dropout > 0 ? new Dropout(dropout, rng) : null, new LayerNorm(embedDim, LN_EPS), mlp);
            blocks.add(block);
            seq.add(block);
        }
        registerModule("blocks", seq);
        this.norm = registerModule("norm", new LayerNorm(embedDim, LN_EPS));
        this.headDrop = dropout > 0 ? registerModule("head_drop", new Dropout(dropout, rng)) : null;
        this.head = registerModule("head", linear(rng, embedDim, numClasses));
    }

    /** Rejects configurations timm would reject, naming the values. */
    static void validate(int imageSize, int patchSize, int inChannels, int embedDim, int depth, int numHeads,
                         double mlpRatio, int numClasses) {
        if (imageSize < 1 || patchSize < 1 || inChannels < 1 || embedDim < 1 || depth < 0 || numHeads < 1
                || numClasses < 1 || !(mlpRatio > 0) || (int) (embedDim * mlpRatio) < 1) {
            throw new IllegalArgumentException("ViT needs positive sizes, got image_size " + imageSize
                    + ", patch_size " + patchSize + ", in_channels " + inChannels + ", embed_dim " + embedDim
                    + ", depth " + depth + ", num_heads " + numHeads + ", mlp_ratio " + mlpRatio
                    + ", num_classes " + numClasses);
        }
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("image_size " + imageSize + " is not divisible by patch_size "
                    + patchSize);
        }
        if (embedDim % numHeads != 0) {
            throw new IllegalArgumentException("embed_dim " + embedDim + " is not divisible by num_heads "
                    + numHeads);
        }
    }

    private static Tensor truncNormal(Philox rng, int... shape) {
        return Init.truncatedNormal(rng, STD, -2, 2, shape);
    }

    private static Linear linear(Philox rng, int in, int out) {
        return new Linear(truncNormal(rng, out, in), Tensor.zeros(DType.FLOAT32, out));
    }

    @Override
    public Variable forward(Variable x) {
        if (x.rank() != 4 || x.size(1) != inChannels || x.size(2) != imageSize || x.size(3) != imageSize) {
            throw new IllegalArgumentException("ViT expects input [N, " + inChannels + ", " + imageSize + ", "
                    + imageSize + "] (image_size " + imageSize + "), got shape " + Shape.str(x.shape()));
        }
        int b = x.size(0);
        Variable tokens = patchEmbed.forward(x); // [B, P, D]
        Variable cls = clsToken.expand(b, 1, embedDim);
        Variable y = Variable.cat(List.of(cls, tokens), 1).add(posEmbed);
        if (posDrop != null) {
            y = posDrop.forward(y);
        }
        for (TransformerBlock block : blocks) {
            y = block.forward(y);
        }
        // LayerNorm acts per token, so normalising only the class token gives timm's
        // norm-then-select result and gradients without normalising the other tokens.
        Variable c = norm.forward(y.select(1, 0));
        if (headDrop != null) {
            c = headDrop.forward(c);
        }
        return head.forward(c);
    }

    /** The classifier layer. */
    public Linear head() {
        return head;
    }
}
