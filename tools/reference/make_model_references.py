#!/usr/bin/python3
"""Writes the PyTorch reference files the model tests (module `models`) compare against.

Output folder: models/src/test/resources/reference/

  mlp.safetensors       MLP 784 -> [32, 16] -> 10 on a batch of 4 (1x28x28): the weights (F32,
                        under "state/<name>"), input x (F32), labels y (I64), and computed in
                        float64 from those float32 values: eval logits, loss and the gradient of
                        the mean cross-entropy for every parameter ("grad/<name>", F64).
  vit.safetensors       timm-style ViT (28x28x1, patch 4, dim 48, depth 2, 3 heads, mlp_ratio 4,
                        10 classes), same layout. Weights are drawn larger than timm's init so
                        that attention is far from uniform and LayerNorm affine terms matter.
  resnet18.safetensors  torchvision ResNet-18, cases "cifar" (4x1x28x28, 10 classes) and
                        "imagenet" (4x3x112x112, 10 classes; large enough that layer4's training-mode
                        BatchNorm sees 64 values per channel: at 32x32 it sees 4 and PyTorch's own
                        float32 result drifts to 1.3e-5). 11M weights are too many to commit, so
                        weights, running statistics and the input batch come from a closed-form
                        pattern both sides compute exactly (see below), and only labels, outputs
                        and gradients are stored:
                          <case>/y, <case>/input_seed        (the first seed whose input makes
                                                             float32 and float64 agree on every
                                                             ReLU sign and max-pool argmax)
                          <case>/<mode>/logits, <case>/<mode>/loss     mode = eval | train
                          <case>/<mode>/grad/<name>          full gradient, tensors <= 8192 elements
                          <case>/<mode>/gradsummary/<name>   larger tensors: [norm, sum,
                                                             16 Rademacher projections,
                                                             32 sampled elements] (see `summary`)
                          <case>/train/buffer/<name>         running_mean / running_var after the
                                                             one train-mode forward
                        Eval runs first (running statistics = pattern), then train (batch stats).
  model_shapes.json     state_dict names, shapes, dtypes and parameter counts of torchvision's
                        resnet18() (3 channels, 1000 classes), of the cifar-stem variant (1 channel,
                        10 classes) and of the default ViT config.
  checkpoint_logits.safetensors
                        for each Lethe-written checkpoint lethe_checkpoint_<arch>.safetensors
                        (committed by the Java test CheckpointInteropTest): PyTorch loads it
                        strictly by its lethe.arch / lethe.config metadata and computes eval logits
                        of a stored input: "<arch>/x" (F32), "<arch>/logits" (F64).

The pattern: for the k-th tensor of the state dict (0-based, state_dict order) element i is
    u = (mix(k + 1, i) >>> 11) * 2^-53            (53-bit uniform in [0, 1), exact)
    v = float32(offset + scale * (2u - 1))         (two IEEE double operations, then rounding)
with mix the 64-bit finaliser below (wrapping arithmetic) and (offset, scale) by tensor kind:
conv weight (0, sqrt(6 / fan_in)); BatchNorm weight (1, 0.25), bias (0, 0.1); running_mean
(0, 0.1); running_var (1, 0.25); fc weight and bias (0, 1/sqrt(fan_in)). Projection j of
tensor k uses signs r[i] = 1 - 2 * (mix(7777 + 64 k + j, i) >>> 63); sampled element j is at
(j * 2654435761 + 12345) mod numel. The input batch is float32(sqrt(3) * (2u - 1)) with u from the stored
input_seed.

Usage, from the repository root:  /usr/bin/python3 tools/reference/make_model_references.py
The output is deterministic for a given torch version; all files together are well under 3 MB.
timm is not needed: the ViT below follows timm's VisionTransformer (names, reshape order, scale).
"""
import copy
import json
import math
import os
import re

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

from safetensors_file import read_safetensors, write_safetensors

SEED = 20240607
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                       "models", "src", "test", "resources", "reference")
FULL_GRAD_MAX = 8192
PROJECTIONS = 16
SAMPLES = 32



# ------------------------------------------------------------------------------------------
# the closed-form pattern (mirrored by the Java test's WeightPattern)
# ------------------------------------------------------------------------------------------

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)


def mix(seed, n):
    i = np.arange(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = np.uint64(seed) * _M1 + i * _M2
        z ^= z >> np.uint64(31)
        z *= _M3
        z ^= z >> np.uint64(29)
    return z


def uniform(seed, n):
    return (mix(seed, n) >> np.uint64(11)).astype(np.float64) * (2.0 ** -53)


def pattern_kind(name, t):
    """(offset, scale) of a state-dict tensor of ResNet (see the module docstring)."""
    if name.endswith("running_mean"):
        return 0.0, 0.1
    if name.endswith("running_var"):
        return 1.0, 0.25
    if t.dim() == 4:
        fan_in = t.shape[1] * t.shape[2] * t.shape[3]
        return 0.0, math.sqrt(6.0 / fan_in)
    if name.startswith("fc."):
        return 0.0, 1.0 / math.sqrt(512)
    if name.endswith(".weight"):
        return 1.0, 0.25
    if name.endswith(".bias"):
        return 0.0, 0.1
    raise ValueError("no pattern for " + name)


def fill_pattern(model):
    with torch.no_grad():
        for k, (name, t) in enumerate(model.state_dict().items()):
            if name.endswith("num_batches_tracked"):
                t.zero_()
                continue
            offset, scale = pattern_kind(name, t)
            u = uniform(k + 1, t.numel())
            v = (offset + scale * (2.0 * u - 1.0)).astype(np.float32)
            t.copy_(torch.from_numpy(v).reshape(t.shape))


def pattern_input(seed, shape):
    """An input batch from the pattern: float32(sqrt(3) * (2u - 1)), unit variance."""
    n = int(np.prod(shape))
    v = (math.sqrt(3.0) * (2.0 * uniform(seed, n) - 1.0)).astype(np.float32)
    return torch.from_numpy(v).reshape(shape)


def relu_inputs(m, x):
    """Every ReLU input of a torchvision ResNet-18 and the max-pool's argmax, in forward order."""
    out = []
    h = m.bn1(m.conv1(x))
    out.append(h)
    h = F.relu(h)
    if not isinstance(m.maxpool, nn.Identity):
        h, idx = F.max_pool2d(h, 3, 2, 1, return_indices=True)
        out.append(idx)
    for layer in (m.layer1, m.layer2, m.layer3, m.layer4):
        for b in layer:
            o = b.bn1(b.conv1(h))
            out.append(o)
            o = b.bn2(b.conv2(F.relu(o)))
            o = o + (b.downsample(h) if b.downsample is not None else h)
            out.append(o)
            h = F.relu(o)
    return out


def flip_free(model, x):
    """True when float32 and float64 agree on every ReLU sign and max-pool argmax, in both modes.

    A pre-activation within float32 rounding of zero sends its gradient one way in float32 and
    the other in float64 (MODELS.md allows for that); reference inputs avoid such cases so that
    the per-tensor tolerance applies to every gradient unconditionally.
    """
    for train in (False, True):
        m32 = copy.deepcopy(model).float().train(train)
        m64 = copy.deepcopy(model).double().train(train)
        with torch.no_grad():
            for a, b in zip(relu_inputs(m32, x), relu_inputs(m64, x.double())):
                same = (a == b) if a.dtype == torch.int64 else ((a > 0) == (b > 0))
                if not bool(same.all()):
                    return False
    return True


def summary(k, g):
    """[norm, sum, projections on Rademacher vectors, sampled elements] of gradient tensor k."""
    flat = g.detach().reshape(-1).to(torch.float64).numpy()
    n = flat.size
    out = [math.sqrt(float(np.dot(flat, flat))), float(flat.sum())]
    for j in range(PROJECTIONS):
        signs = 1.0 - 2.0 * (mix(7777 + 64 * k + j, n) >> np.uint64(63)).astype(np.float64)
        out.append(float(np.dot(signs, flat)))
    for j in range(SAMPLES):
        out.append(float(flat[(j * 2654435761 + 12345) % n]))
    return torch.tensor(out, dtype=torch.float64)


# ------------------------------------------------------------------------------------------
# the models
# ------------------------------------------------------------------------------------------

class Mlp(nn.Module):
    def __init__(self, in_features, hidden, num_classes):
        super().__init__()
        self.in_features = in_features
        self.hidden = []
        width = in_features
        for i, h in enumerate(hidden):
            layer = nn.Linear(width, h)
            setattr(self, "fc%d" % (i + 1), layer)
            self.hidden.append(layer)
            width = h
        self.head = nn.Linear(width, num_classes)

    def forward(self, x):
        x = x.reshape(x.shape[0], -1)
        for layer in self.hidden:
            x = F.relu(layer(x))
        return self.head(x)


class Attention(nn.Module):
    """timm.models.vision_transformer.Attention (qkv_bias=True, no dropout)."""

    def __init__(self, dim, num_heads):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.num_heads, c // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(b, n, c)
        return self.proj(x)


class MlpBlock(nn.Module):
    """timm.layers.Mlp: fc1, exact GELU, fc2."""

    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, num_heads, mlp_ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, num_heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = MlpBlock(dim, int(dim * mlp_ratio))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, in_channels, dim, patch):
        super().__init__()
        self.proj = nn.Conv2d(in_channels, dim, patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class VisionTransformer(nn.Module):
    """timm's VisionTransformer with class token, learned pos_embed, pre-norm, head on token 0."""

    def __init__(self, image_size, patch_size, in_channels, embed_dim, depth, num_heads, mlp_ratio,
                 num_classes):
        super().__init__()
        self.patch_embed = PatchEmbed(in_channels, embed_dim, patch_size)
        patches = (image_size // patch_size) ** 2
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, patches + 1, embed_dim))
        self.blocks = nn.Sequential(*[Block(embed_dim, num_heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(embed_dim, eps=1e-6)
        self.head = nn.Linear(embed_dim, num_classes)

    def forward(self, x):
        x = self.patch_embed(x)
        x = torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1) + self.pos_embed
        x = self.norm(self.blocks(x))
        return self.head(x[:, 0])


def resnet18(stem, in_channels, num_classes):
    m = torchvision.models.resnet18(num_classes=num_classes)
    if stem == "cifar":
        m.conv1 = nn.Conv2d(in_channels, 64, 3, 1, 1, bias=False)
        m.maxpool = nn.Identity()
    elif in_channels != 3:
        m.conv1 = nn.Conv2d(in_channels, 64, 7, 2, 3, bias=False)
    return m


def build(arch, cfg):
    if arch == "mlp":
        return Mlp(cfg["in_features"], cfg["hidden"], cfg["num_classes"])
    if arch == "vit":
        return VisionTransformer(cfg["image_size"], cfg["patch_size"], cfg["in_channels"], cfg["embed_dim"],
                                 cfg["depth"], cfg["num_heads"], cfg["mlp_ratio"], cfg["num_classes"])
    if arch == "resnet18":
        return resnet18(cfg["stem"], cfg["in_channels"], cfg["num_classes"])
    raise ValueError("unknown architecture " + arch)


# ------------------------------------------------------------------------------------------
# cases
# ------------------------------------------------------------------------------------------

def run(model64, x, y, train):
    """Logits, loss and parameter gradients in float64 (model already float64)."""
    model64.train(train)
    model64.zero_grad(set_to_none=True)
    logits = model64(x.to(torch.float64))
    loss = F.cross_entropy(logits, y)
    loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in model64.named_parameters()}
    return logits.detach(), loss.detach(), grads


def meta(extra):
    m = {"torch_version": torch.__version__, "torchvision_version": torchvision.__version__,
         "seed": str(SEED), "generator": "tools/reference/make_model_references.py"}
    m.update({k: json.dumps(v) for k, v in extra.items()})
    return m


def small_model_file(name, model, input_shape, config):
    """Stores the float32 weights and the float64 results of one small model."""
    x = torch.randn(*input_shape)
    y = torch.randint(0, 10, (input_shape[0],))
    out = {}
    for n, t in model.state_dict().items():
        out["state/" + n] = t.detach().to(torch.float32).clone()
    m64 = model.double()
    logits, loss, grads = run(m64, x, y, train=True)
    out["x"], out["y"], out["logits"], out["loss"] = x, y, logits, loss
    for n, g in grads.items():
        out["grad/" + n] = g
    return write_safetensors(os.path.join(OUT_DIR, name + ".safetensors"), out, meta({"config": config}))


def mlp_file():
    torch.manual_seed(SEED)
    cfg = {"in_features": 784, "hidden": [32, 16], "num_classes": 10}
    return small_model_file("mlp", build("mlp", cfg), (4, 1, 28, 28), cfg)


def vit_file():
    torch.manual_seed(SEED + 1)
    cfg = {"image_size": 28, "patch_size": 4, "in_channels": 1, "embed_dim": 48, "depth": 2, "num_heads": 3,
           "mlp_ratio": 4.0, "num_classes": 10}
    model = build("vit", cfg)
    with torch.no_grad():
        for n, p in model.named_parameters():
            if n in ("cls_token", "pos_embed"):
                p.copy_(torch.randn_like(p) * 0.5)
            elif "norm" in n and n.endswith("weight"):
                p.copy_(1 + 0.1 * torch.randn_like(p))
            elif n.endswith("bias"):
                p.copy_(0.1 * torch.randn_like(p))
            # other weights keep PyTorch's default Linear / Conv2d init
    return small_model_file("vit", model, (4, 1, 28, 28), cfg)


def resnet_file():
    torch.manual_seed(SEED + 2)
    out = {}
    cases = {"cifar": {"stem": "cifar", "in_channels": 1, "num_classes": 10, "input": [4, 1, 28, 28]},
             "imagenet": {"stem": "imagenet", "in_channels": 3, "num_classes": 10, "input": [4, 3, 112, 112]}}
    for c, (case, cfg) in enumerate(cases.items()):
        model = build("resnet18", cfg)
        fill_pattern(model)
        names = list(model.state_dict().keys())
        m64 = model.double()
        seeds = range(1001 + 10 * c, 1011 + 10 * c)
        seed = next(sd for sd in seeds if flip_free(model, pattern_input(sd, cfg["input"])))
        x = pattern_input(seed, cfg["input"])
        y = torch.randint(0, 10, (cfg["input"][0],))
        out[case + "/y"] = y
        out[case + "/input_seed"] = torch.tensor([seed], dtype=torch.int64)
        for mode in ("eval", "train"):
            logits, loss, grads = run(m64, x, y, train=(mode == "train"))
            out["%s/%s/logits" % (case, mode)] = logits
            out["%s/%s/loss" % (case, mode)] = loss
            for n, g in grads.items():
                if g.numel() <= FULL_GRAD_MAX:
                    out["%s/%s/grad/%s" % (case, mode, n)] = g
                else:
                    out["%s/%s/gradsummary/%s" % (case, mode, n)] = summary(names.index(n), g)
        for n, b in m64.named_buffers():
            if n.endswith("running_mean") or n.endswith("running_var"):
                out["%s/train/buffer/%s" % (case, n)] = b.detach().clone()
    cfgs = {c: {k: v for k, v in cfg.items() if k != "input"} for c, cfg in cases.items()}
    return write_safetensors(os.path.join(OUT_DIR, "resnet18.safetensors"), out,
                             meta({"cases": cfgs, "full_grad_max": FULL_GRAD_MAX, "projections": PROJECTIONS,
                                   "samples": SAMPLES}))


def shapes_file():
    def describe(model):
        return {"state_dict": [[n, list(t.shape), str(t.dtype).replace("torch.", "")]
                               for n, t in model.state_dict().items()],
                "parameter_count": sum(p.numel() for p in model.parameters())}

    vit_default = {"image_size": 28, "patch_size": 4, "in_channels": 1, "embed_dim": 192, "depth": 6,
                   "num_heads": 3, "mlp_ratio": 4.0, "num_classes": 10}
    doc = {"torchvision_resnet18": describe(torchvision.models.resnet18()),
           "resnet18_cifar_1ch_10": describe(resnet18("cifar", 1, 10)),
           "vit_default": dict(describe(build("vit", vit_default)), config=vit_default),
           "torch_version": torch.__version__, "torchvision_version": torchvision.__version__}
    path = os.path.join(OUT_DIR, "model_shapes.json")
    text = json.dumps(doc, indent=1)
    # one line per state-dict entry: ["name", [shape], "dtype"]
    text = re.sub(r"\[\s*(\"[^\"]*\"),\s*\[([^\]]*)\],\s*(\"[a-z0-9]+\")\s*\]",
                  lambda mt: "[%s, [%s], %s]" % (mt.group(1), ", ".join(v.strip() for v in mt.group(2).split(",")
                                                                    if v.strip()), mt.group(3)), text)
    with open(path, "w") as f:
        f.write(text + "\n")
    json.loads(text)
    return os.path.getsize(path)


def checkpoint_logits_file():
    """Loads each Lethe-written checkpoint into PyTorch by its metadata and records eval logits."""
    torch.manual_seed(SEED + 3)
    out = {}
    for arch in ("mlp", "vit"):
        path = os.path.join(OUT_DIR, "lethe_checkpoint_%s.safetensors" % arch)
        if not os.path.exists(path):
            print("  (no %s yet: run CheckpointInteropTest with -Dlethe.writeReference=true first)" % path)
            continue
        tensors, md = read_safetensors(path)
        assert md["lethe.format"] == "1" and md["lethe.arch"] == arch, md
        cfg = json.loads(md["lethe.config"])
        model = build(arch, cfg)
        # Lethe writes PyTorch's state_dict order exactly.
        assert list(tensors.keys()) == list(model.state_dict().keys()), (list(tensors.keys()),
                                                                         list(model.state_dict().keys()))
        model.load_state_dict(tensors, strict=True)
        side = cfg.get("image_size", 28)
        x = torch.randn(3, cfg.get("in_channels", 1), side, side)
        model.double().eval()
        with torch.no_grad():
            out[arch + "/x"] = x
            out[arch + "/logits"] = model(x.to(torch.float64))
    if out:
        return write_safetensors(os.path.join(OUT_DIR, "checkpoint_logits.safetensors"), out, meta({}))
    return 0


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    torch.set_num_threads(1)
    for name, fn in (("mlp", mlp_file), ("vit", vit_file), ("resnet18", resnet_file),
                     ("model_shapes.json", shapes_file), ("checkpoint_logits", checkpoint_logits_file)):
        print("%-20s %8d bytes" % (name, fn()))


if __name__ == "__main__":
    main()
