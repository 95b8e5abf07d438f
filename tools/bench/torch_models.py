#!/usr/bin/env python3
"""PyTorch side of tools/bench/compare: the same three models, shapes, batch, optimizer and
thread count as `lethe bench`, timed the same way (median of single steps after a warm-up).

Runs on the CPU in float32. The caller sets OMP_WAIT_POLICY=PASSIVE and installs
libopenblas0-pthread (see compare); this script sets torch's thread count.
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


def resnet18_cifar():
    import torchvision
    m = torchvision.models.resnet18(num_classes=10)
    m.conv1 = nn.Conv2d(1, 64, 3, 1, 1, bias=False)
    m.maxpool = nn.Identity()
    return m


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


MODELS = {"mlp": Mlp, "resnet18": resnet18_cifar, "vit": Vit}


def images_per_second(model, batch, steps, warmup, training):
    torch.manual_seed(0)
    x = torch.randn(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    model.train(training)
    def step():
        if training:
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), y).backward()
            opt.step()
        else:
            with torch.no_grad():
                model(x)

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
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    results = []
    for name in args.models.split(","):
        print(f"timing {name} in PyTorch {torch.__version__} ({args.threads} threads)...", file=sys.stderr)
        model = MODELS[name]()
        for kind, training in (("train-step", True), ("eval-forward", False)):
            v = images_per_second(model, args.batch_size, args.steps, args.warmup, training)
            results.append({"name": f"{kind}/{name}", "unit": "images/s", "value": v})
    json.dump({"torch": torch.__version__, "threads": args.threads, "results": results}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
