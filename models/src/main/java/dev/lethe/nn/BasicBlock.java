package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Philox;

/**
 * ResNet's BasicBlock (He et al. 2016, fig. 2 left): conv3×3(stride s) → BN → ReLU → conv3×3 →
 * BN, plus the shortcut (identity, or {@code downsample} = 1×1 conv stride s → BN when the shape
 * changes), then ReLU. Convolutions have no bias and torchvision's init (kaiming normal,
 * fan_out, ReLU gain).
 */
public final class BasicBlock extends Module {
    private final Conv2d conv1;
    private final BatchNorm2d bn1;
    private final Conv2d conv2;
    private final BatchNorm2d bn2;
    private final Sequential downsample;

    /** A block from {@code inPlanes} to {@code planes} channels, striding by {@code stride}. */
    public BasicBlock(int inPlanes, int planes, int stride, Philox rng) {
        this.conv1 = registerModule("conv1", ResNet.conv(inPlanes, planes, 3, stride, 1, rng));
        this.bn1 = registerModule("bn1", new BatchNorm2d(planes));
        this.conv2 = registerModule("conv2", ResNet.conv(planes, planes, 3, 1, 1, rng));
        this.bn2 = registerModule("bn2", new BatchNorm2d(planes));
        if (stride != 1 || inPlanes != planes) {
            this.downsample = registerModule("downsample",
                    new Sequential(ResNet.conv(inPlanes, planes, 1, stride, 0, rng), new BatchNorm2d(planes)));
        } else {
            this.downsample = null;
        }
    }

    @Override
    public Variable forward(Variable x) {
        Variable out = bn1.forward(conv1.forward(x)).relu();
        out = bn2.forward(conv2.forward(out));
        Variable identity = downsample != null ? downsample.forward(x) : x;
        return out.add(identity).relu();
    }
}
