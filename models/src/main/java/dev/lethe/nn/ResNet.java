package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * ResNet-18 (He et al. 2016) with torchvision's parameter names: stem {@code conv1}/{@code bn1},
 * four stages {@code layer1..layer4} of two {@link BasicBlock}s each (widths 64/128/256/512,
 * stride 2 at the start of stages 2–4), global average pooling and the classifier {@code fc}.
 *
 * <p>Stems: {@code imagenet} (torchvision: 7×7 stride-2 conv, BN, ReLU, 3×3 stride-2 max-pool)
 * and {@code cifar} (3×3 stride-1 conv, BN, ReLU, no pooling; the variant the unlearning
 * literature trains on 32×32 and 28×28 images). Init as torchvision: convolutions kaiming
 * normal (fan_out, ReLU gain), BatchNorm 1/0, {@code fc} PyTorch's Linear default.
 */
public final class ResNet extends Module {
    /** The two stems. */
    public enum Stem {
        /** 3×3 stride-1 convolution, no max-pool. */
        CIFAR,
        /** torchvision's 7×7 stride-2 convolution and 3×3 stride-2 max-pool. */
        IMAGENET;

        /** The stem named {@code cifar} or {@code imagenet}. */
        public static Stem of(String name) {
            for (Stem s : values()) {
                if (s.name().equalsIgnoreCase(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown ResNet stem '" + name + "'; expected cifar or imagenet");
        }

        /** The lower-case name used in configs. */
        public String configName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private static final int[] WIDTHS = {64, 128, 256, 512};
    private static final int[] BLOCKS = {2, 2, 2, 2};

    private final int inChannels;
    private final Stem stem;
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final MaxPool2d maxpool;
    private final List<Sequential> stages = new ArrayList<>();
    private final Dropout drop;
    private final Linear fc;

    /** ResNet-18 with the given stem, input channels and classes, no dropout. */
    public static ResNet resnet18(Stem stem, int inChannels, int numClasses, Philox rng) {
        return new ResNet(stem, inChannels, numClasses, 0, rng);
    }

    /**
     * ResNet-18; {@code dropout} > 0 adds dropout before {@code fc} (not part of torchvision's
     * model; it has no parameters, so state dicts are unaffected).
     */
    public ResNet(Stem stem, int inChannels, int numClasses, double dropout, Philox rng) {
        if (inChannels < 1 || numClasses < 1) {
            throw new IllegalArgumentException("ResNet needs in_channels >= 1 and num_classes >= 1, got "
                    + inChannels + " and " + numClasses);
        }
        this.inChannels = inChannels;
        this.stem = stem;
        if (stem == Stem.IMAGENET) {
            this.conv1 = registerModule("conv1", conv(inChannels, 64, 7, 2, 3, rng));
        } else {
            this.conv1 = registerModule("conv1", conv(inChannels, 64, 3, 1, 1, rng));
        }
        this.bn1 = registerModule("bn1", new BatchNorm2d(64));
        this.maxpool = stem == Stem.IMAGENET ? registerModule("maxpool", new MaxPool2d(3, 2, 1)) : null;
        int planes = 64;
        for (int s = 0; s < WIDTHS.length; s++) {
            Sequential stage = new Sequential();
            for (int b = 0; b < BLOCKS[s]; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                stage.add(new BasicBlock(planes, WIDTHS[s], stride, rng));
                planes = WIDTHS[s];
            }
            stages.add(registerModule("layer" + (s + 1), stage));
        }
        this.drop = dropout > 0 ? registerModule("drop", new Dropout(dropout, rng)) : null;
        this.fc = registerModule("fc", new Linear(planes, numClasses, true, rng));
    }

    /** A bias-free convolution with torchvision's ResNet init (kaiming normal, fan_out, ReLU gain). */
    static Conv2d conv(int in, int out, int kernel, int stride, int padding, Philox rng) {
        return new Conv2d(Init.kaimingNormalFanOut(rng, out, in, kernel, kernel), null, stride, padding);
    }

    @Override
    public Variable forward(Variable x) {
        if (x.rank() != 4 || x.size(1) != inChannels) {
            throw new IllegalArgumentException("ResNet expects input [N, " + inChannels + ", H, W] (" + inChannels
                    + " channel" + (inChannels == 1 ? "" : "s") + "), got shape " + Shape.str(x.shape()));
        }
        Variable y = bn1.forward(conv1.forward(x)).relu();
        if (maxpool != null) {
            y = maxpool.forward(y);
        }
        for (Sequential stage : stages) {
            y = stage.forward(y);
        }
        y = y.adaptiveAvgPool2d(1, 1).flatten(1, 3);
        if (drop != null) {
            y = drop.forward(y);
        }
        return fc.forward(y);
    }

    /** The stem this network was built with. */
    public Stem stem() {
        return stem;
    }

    /** The classifier layer. */
    public Linear fc() {
        return fc;
    }
}
