#!/usr/bin/env python3
"""PyTorch side of tools/bench/compare and tools/bench/gpu-compare: the same three models,
shapes, batch, optimizer and thread count as `lethe bench`, timed the same way (median of single
steps after a warm-up).

Float32 throughout. On the CPU the caller sets OMP_WAIT_POLICY=PASSIVE and installs
libopenblas0-pthread (see compare); this script sets torch's thread count. On a GPU
(--device cuda) every step ends with torch.cuda.synchronize(), TF32 is off for matmul and cuDNN
(Lethe's default), and cudnn.benchmark is on (PyTorch's fastest eager setting; Lethe also picks
its convolution algorithms by timing them once per shape).
"""
import argparse
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 512)
        self.fc2 = nn.Linear(512, 256)
        self.head = nn.Linear(256, 10)

    def forward(self, x):
        x = x.flatten(1)
        return self.head(F.relu(self.fc2(F.relu(self.fc1(x)))))


class BasicBlock(nn.Module):
    """torchvision's BasicBlock, written out so the script runs where torchvision is missing."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (x if self.downsample is None else self.downsample(x)))


class ResNet18Cifar(nn.Module):
    """torchvision's resnet18 with the cifar stem (3x3 stride-1 conv, no max-pool), as Lethe's."""

    def __init__(self, chans=1, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(chans, 64, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        layers, cin = [], 64
        for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            layers.append(nn.Sequential(BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)))
            cin = cout
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


def resnet18_cifar(chans, image):
    return ResNet18Cifar(chans)


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, d = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, d))


class Block(nn.Module):
    def __init__(self, dim, heads, ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, int(dim * ratio))
        self.fc2 = nn.Linear(int(dim * ratio), dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class Vit(nn.Module):
    """timm's VisionTransformer layout: patch conv, class token, learned positions, pre-norm."""

    def __init__(self, image=28, patch=4, chans=1, dim=192, depth=6, heads=3, ratio=4.0, classes=10):
        super().__init__()
        self.proj = nn.Conv2d(chans, dim, patch, patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, 1 + (image // patch) ** 2, dim))
        self.blocks = nn.Sequential(*[Block(dim, heads, ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.proj(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0])


def mlp(chans, image):
    if (chans, image) != (1, 28):
        raise SystemExit("the MLP takes 1x28x28 images")
    return Mlp()


MODELS = {"mlp": mlp, "resnet18": resnet18_cifar, "vit": lambda chans, image: Vit(image=image, chans=chans)}


def images_per_second(model, batch, steps, warmup, training, chans, image, device):
    torch.manual_seed(0)
    x = torch.randn(batch, chans, image, image, device=device)
    y = torch.randint(0, 10, (batch,), device=device)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    model.train(training)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)

    def step():
        if training:
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), y).backward()
            opt.step()
        else:
            with torch.no_grad():
                model(x)
        sync()

    # Warm up as `lethe bench` does: at least `warmup` steps and at least 3 s.
    untimed, end = 0, time.perf_counter() + 3.0
    while untimed < warmup or time.perf_counter() < end:
        step()
        untimed += 1
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return batch / statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--models", default="mlp,resnet18,vit")
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu", help="cpu or cuda")
    ap.add_argument("--image", default="1x28x28", help="CxHxW of the input images (H = W)")
    args = ap.parse_args()
    chans, height, width = (int(v) for v in args.image.split("x"))
    if height != width:
        raise SystemExit("--image needs square images")
    device = torch.device(args.device)
    torch.set_num_threads(args.threads)
    where = f"{args.threads} threads"
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cudnn.benchmark = True
        where = torch.cuda.get_device_name(device)
    results = []
    for name in args.models.split(","):
        print(f"timing {name} in PyTorch {torch.__version__} ({where})...", file=sys.stderr)
        model = MODELS[name](chans, height).to(device)
        for kind, training in (("train-step", True), ("eval-forward", False)):
            v = images_per_second(model, args.batch_size, args.steps, args.warmup, training, chans, height, device)
            results.append({"name": f"{kind}/{name}", "unit": "images/s", "value": v})
    json.dump({"torch": torch.__version__, "threads": args.threads, "device": where, "results": results},
              sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
