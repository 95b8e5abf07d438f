#!/usr/bin/python3
"""Writes the PyTorch reference files the tensor and autograd tests compare against.

Every input is drawn in float32 from a fixed torch seed and stored as F32. Every output and
gradient is computed by PyTorch in float64 from those same float32 values (cast up, so exactly
representable) and stored as F64, so the Java tests measure only their own float32 error.

Files (safetensors, written here without the safetensors package):
    tensor/src/test/resources/reference/<group>.safetensors

Tensor names are "<case>/<name>". Each case's parameters are a JSON string in the file's
__metadata__ under the case name; "torch_version", "seed" and "generator" are recorded too.

Usage, from the repository root:  /usr/bin/python3 tools/reference/make_references.py
"""
import json
import os

import torch
import torch.nn.functional as F

from safetensors_file import write_safetensors

SEED = 20240601
OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                       "tensor", "src", "test", "resources", "reference")

class RefFile:
    """Collects the cases of one group and writes them as one file."""

    def __init__(self, group):
        self.group = group
        self.tensors = {}
        self.meta = {"torch_version": torch.__version__, "seed": str(SEED),
                     "generator": "tools/reference/make_references.py"}

    def case(self, name, params, **tensors):
        self.meta[name] = json.dumps(params, sort_keys=True)
        for key, t in tensors.items():
            if t is None:
                continue
            if t.dtype == torch.float32:
                pass  # an input, stored as drawn
            elif t.is_floating_point():
                t = t.to(torch.float64)
            self.tensors[name + "/" + key] = t

    def write(self):
        path = os.path.join(OUT_DIR, self.group + ".safetensors")
        write_safetensors(path, self.tensors, self.meta)
        return path


def randn(*shape, scale=1.0):
    return torch.randn(*shape, dtype=torch.float32) * scale


def up(t, grad=True):
    """float32 input -> float64 leaf (exact), optionally requiring grad."""
    return t.to(torch.float64).requires_grad_(grad)


def conv2d_cases():
    f = RefFile("conv2d")
    # (name, N, C, H, W, O, kh, kw, stride, padding, dilation, bias)
    cases = [
        ("k3_s1_p0", 2, 4, 10, 10, 8, 3, 3, (1, 1), (0, 0), (1, 1), True),
        ("k3_s1_p1", 2, 8, 8, 8, 8, 3, 3, (1, 1), (1, 1), (1, 1), False),
        ("k3_s2_p1", 2, 8, 9, 9, 16, 3, 3, (2, 2), (1, 1), (1, 1), True),
        ("k3_d2_p2", 2, 4, 10, 10, 8, 3, 3, (1, 1), (2, 2), (2, 2), True),
        ("k1_s1_p0", 3, 8, 8, 8, 16, 1, 1, (1, 1), (0, 0), (1, 1), True),
        ("k1_s2_p0", 2, 8, 8, 8, 16, 1, 1, (2, 2), (0, 0), (1, 1), False),
        ("k7_s2_p3", 2, 3, 12, 12, 8, 7, 7, (2, 2), (3, 3), (1, 1), False),
        # Rectangular everything, to catch H/W mix-ups.
        ("k3x2_s21_p10_d12", 2, 4, 9, 11, 8, 3, 2, (2, 1), (1, 0), (1, 2), True),
    ]
    for name, n, c, h, w, o, kh, kw, stride, padding, dilation, has_bias in cases:
        x = randn(n, c, h, w)
        wt = randn(o, c, kh, kw, scale=(c * kh * kw) ** -0.5)
        b = randn(o) if has_bias else None
        xd, wd = up(x), up(wt)
        bd = up(b) if has_bias else None
        y = F.conv2d(xd, wd, bd, stride=stride, padding=padding, dilation=dilation)
        gy = randn(*y.shape)
        y.backward(gy.to(torch.float64))
        f.case(name, {"stride": list(stride), "padding": list(padding), "dilation": list(dilation),
                      "bias": has_bias},
               x=x, w=wt, b=b, gy=gy, y=y, gx=xd.grad, gw=wd.grad, gb=bd.grad if has_bias else None)
    return f


def pool_cases():
    f = RefFile("pool")
    # max_pool2d: (name, input shape, kernel, stride, padding)
    for name, shape, k, s, p in [("max_k3_s2_p1", (2, 8, 9, 9), 3, 2, 1),
                                 ("max_k2_s2_p0", (2, 8, 8, 8), 2, 2, 0),
                                 ("max_k3_s2_p1_rect", (2, 4, 10, 7), 3, 2, 1)]:
        x = randn(*shape)
        xd = up(x)
        y, idx = F.max_pool2d(xd, k, s, p, return_indices=True)
        gy = randn(*y.shape)
        y.backward(gy.to(torch.float64))
        f.case(name, {"op": "max_pool2d", "kernel": k, "stride": s, "padding": p},
               x=x, gy=gy, y=y, indices=idx, gx=xd.grad)
    # avg_pool2d counts padding in the divisor (PyTorch's default count_include_pad=True).
    for name, shape, k, s, p in [("avg_k3_s2_p1", (2, 8, 9, 9), 3, 2, 1),
                                 ("avg_k2_s2_p0", (2, 8, 8, 8), 2, 2, 0)]:
        x = randn(*shape)
        xd = up(x)
        y = F.avg_pool2d(xd, k, s, p)
        gy = randn(*y.shape)
        y.backward(gy.to(torch.float64))
        f.case(name, {"op": "avg_pool2d", "kernel": k, "stride": s, "padding": p},
               x=x, gy=gy, y=y, gx=xd.grad)
    # adaptive_avg_pool2d to 1x1 (ResNet head) and to sizes that do not divide the input.
    for name, shape, out in [("adaptive_1x1", (2, 16, 4, 4), (1, 1)),
                             ("adaptive_3x4", (2, 4, 10, 10), (3, 4)),
                             ("adaptive_5x3_rect", (2, 4, 7, 11), (5, 3))]:
        x = randn(*shape)
        xd = up(x)
        y = F.adaptive_avg_pool2d(xd, out)
        gy = randn(*y.shape)
        y.backward(gy.to(torch.float64))
        f.case(name, {"op": "adaptive_avg_pool2d", "output": list(out)}, x=x, gy=gy, y=y, gx=xd.grad)
    return f


def batch_norm_cases():
    f = RefFile("batch_norm")
    momentum, eps = 0.1, 1e-5
    for name, shape, training in [("train_4d", (4, 8, 6, 6), True),
                                  ("train_2d", (16, 8), True),
                                  ("eval_4d", (4, 8, 6, 6), False)]:
        c = shape[1]
        # Shifted and scaled input so the statistics are far from (0, 1).
        x = randn(*shape, scale=2.0) + 0.5
        weight = 1.0 + randn(c, scale=0.3)
        bias = randn(c, scale=0.3)
        running_mean = randn(c, scale=0.2)
        running_var = 1.0 + torch.rand(c, dtype=torch.float32)
        xd, wd, bd = up(x), up(weight), up(bias)
        rm, rv = running_mean.to(torch.float64), running_var.to(torch.float64)
        y = F.batch_norm(xd, rm, rv, wd, bd, training=training, momentum=momentum, eps=eps)
        gy = randn(*y.shape)
        y.backward(gy.to(torch.float64))
        f.case(name, {"training": training, "momentum": momentum, "eps": eps},
               x=x, weight=weight, bias=bias, running_mean=running_mean, running_var=running_var, gy=gy,
               y=y, gx=xd.grad, gweight=wd.grad, gbias=bd.grad,
               running_mean_after=rm, running_var_after=rv)
    return f


def layer_norm_cases():
    f = RefFile("layer_norm")
    for name, shape, norm_dims, eps in [("last_eps1e-6", (4, 6, 16), 1, 1e-6),
                                        ("last2_eps1e-5", (4, 6, 16), 2, 1e-5)]:
        normalized = shape[len(shape) - norm_dims:]
        x = randn(*shape, scale=1.5) + 0.3
        weight = 1.0 + randn(*normalized, scale=0.3)
        bias = randn(*normalized, scale=0.3)
        xd, wd, bd = up(x), up(weight), up(bias)
        y = F.layer_norm(xd, normalized, wd, bd, eps)
        gy = randn(*y.shape)
        y.backward(gy.to(torch.float64))
        f.case(name, {"norm_dims": norm_dims, "eps": eps},
               x=x, weight=weight, bias=bias, gy=gy, y=y, gx=xd.grad, gweight=wd.grad, gbias=bd.grad)
    return f


def activation_cases():
    f = RefFile("activation")
    # Exact (erf) GELU over a wide range, including the far tails.
    x = torch.cat([randn(1000, scale=3.0), torch.linspace(-8, 8, 33, dtype=torch.float32)])
    xd = up(x)
    y = F.gelu(xd, approximate="none")
    gy = randn(*y.shape)
    y.backward(gy.to(torch.float64))
    f.case("gelu", {"approximate": "none"}, x=x, gy=gy, y=y, gx=xd.grad)
    return f


def softmax_cases():
    f = RefFile("softmax")
    for name, shape, axis, log in [("softmax_last", (6, 10), 1, False),
                                   ("log_softmax_last", (6, 10), 1, True),
                                   ("softmax_mid", (3, 5, 7), 1, False),
                                   ("log_softmax_mid", (3, 5, 7), 1, True)]:
        x = randn(*shape, scale=3.0)
        xd = up(x)
        y = F.log_softmax(xd, axis) if log else F.softmax(xd, axis)
        gy = randn(*y.shape)
        y.backward(gy.to(torch.float64))
        f.case(name, {"axis": axis, "log": log}, x=x, gy=gy, y=y, gx=xd.grad)
    return f


def cross_entropy_cases():
    f = RefFile("cross_entropy")
    for name, n, c, smoothing in [("ls0", 8, 10, 0.0), ("ls0.1", 8, 10, 0.1), ("ls0.1_wide", 4, 100, 0.1)]:
        logits = randn(n, c, scale=3.0)
        targets = torch.randint(0, c, (n,), dtype=torch.int64)
        ld = up(logits)
        loss = F.cross_entropy(ld, targets, label_smoothing=smoothing)
        loss.backward()
        f.case(name, {"label_smoothing": smoothing, "reduction": "mean"},
               logits=logits, targets=targets, loss=loss, glogits=ld.grad)
    return f


def attention_cases():
    f = RefFile("attention")
    bh, n, d = 4, 6, 8  # batch*heads, tokens, head dim
    q, k, v = randn(bh, n, d), randn(bh, n, d), randn(bh, n, d)
    qd, kd, vd = up(q), up(k), up(v)
    scores = torch.bmm(qd, kd.transpose(1, 2)) * d ** -0.5
    out = torch.bmm(torch.softmax(scores, dim=-1), vd)
    gy = randn(*out.shape)
    out.backward(gy.to(torch.float64))
    f.case("sdpa", {"scale": d ** -0.5, "chain": "bmm(softmax(bmm(q, k^T) * scale, -1), v)"},
           q=q, k=k, v=v, gy=gy, y=out, gq=qd.grad, gk=kd.grad, gv=vd.grad)
    return f


def main():
    torch.manual_seed(SEED)
    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    for make in (conv2d_cases, pool_cases, batch_norm_cases, layer_norm_cases, activation_cases,
                 softmax_cases, cross_entropy_cases, attention_cases):
        path = make().write()
        size = os.path.getsize(path)
        total += size
        print(f"{os.path.relpath(path)}: {size} bytes")
    print(f"total {total} bytes, torch {torch.__version__}")


if __name__ == "__main__":
    main()
