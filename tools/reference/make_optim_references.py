#!/usr/bin/python3
"""Writes the PyTorch reference file the optimizer and schedule tests compare against.

    models/src/test/resources/reference/optim.safetensors

A fixed small parameter set (p0 [3, 4], p1 [5], p2 [2, 3, 2]) and five gradient sets are drawn
in float32 from a fixed torch seed and stored as F32. Each optimizer case runs five steps twice:
in float32 (outputs stored F32: what PyTorch's float32 arithmetic gives) and in float64 from the
same values cast up exactly (outputs stored F64). Names:

    init/p<i>, grad/<step>/p<i>                      the inputs
    <case>/<f32|f64>/<step>/p<i>                     parameters after step <step> (0-based)
    clip/<f32|f64>/<step>/norm, .../g<i>             clip_grad_norm_ of gradient set <step>
    sched/<name>                                     learning rates, F64, one per step

Each case's settings are a JSON string in __metadata__ under the case name.
The safetensors layout is written here by hand (no safetensors package needed): u64
little-endian header length, JSON header padded with spaces to a multiple of 8, raw data.

Usage, from the repository root:  /usr/bin/python3 tools/reference/make_optim_references.py
"""
import json
import math
import os

import torch

from safetensors_file import write_safetensors

SEED = 20240607
STEPS = 5
SHAPES = [(3, 4), (5,), (2, 3, 2)]
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "models", "src", "test", "resources", "reference", "optim.safetensors")

def main():
    torch.manual_seed(SEED)
    init = [torch.randn(*s, dtype=torch.float32) for s in SHAPES]
    # Gradient scales vary so that clipping at 1.0 acts on some steps and not on others.
    scales = [2.0, 0.05, 1.0, 0.3, 5.0]
    grads = [[torch.randn(*s, dtype=torch.float32) * scales[k] for s in SHAPES] for k in range(STEPS)]

    tensors = {}
    meta = {"torch_version": torch.__version__, "seed": str(SEED),
            "generator": "tools/reference/make_optim_references.py"}
    for i, p in enumerate(init):
        tensors[f"init/p{i}"] = p
    for k in range(STEPS):
        for i, g in enumerate(grads[k]):
            tensors[f"grad/{k}/p{i}"] = g

    def run(case, settings, make, lrs=None):
        meta[case] = json.dumps(settings, sort_keys=True)
        for dtype, tag in ((torch.float32, "f32"), (torch.float64, "f64")):
            params = [p.to(dtype).clone().requires_grad_(True) for p in init]
            opt = make(params)
            for k in range(STEPS):
                if lrs is not None:
                    for group in opt.param_groups:
                        group["lr"] = lrs[k]
                for p, g in zip(params, grads[k]):
                    p.grad = g.to(dtype).clone()
                opt.step()
                for i, p in enumerate(params):
                    tensors[f"{case}/{tag}/{k}/p{i}"] = p.detach().clone()

    run("sgd_plain", {"lr": 0.1, "momentum": 0.0, "nesterov": False, "weight_decay": 0.0},
        lambda ps: torch.optim.SGD(ps, lr=0.1))
    run("sgd_momentum", {"lr": 0.1, "momentum": 0.9, "nesterov": False, "weight_decay": 5e-4},
        lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=5e-4))
    run("sgd_nesterov", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 5e-4},
        lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4))
    run("adamw", {"lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.05},
        lambda ps: torch.optim.AdamW(ps, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05))
    varying = [0.01, 0.03, 0.005, 0.02, 0.0]
    run("adamw_varying_lr", {"lrs": varying, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.05},
        lambda ps: torch.optim.AdamW(ps, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05), varying)

    meta["clip"] = json.dumps({"max_norm": 1.0, "norm_type": 2.0})
    for dtype, tag in ((torch.float32, "f32"), (torch.float64, "f64")):
        for k in range(STEPS):
            params = [p.to(dtype).clone().requires_grad_(True) for p in init]
            for p, g in zip(params, grads[k]):
                p.grad = g.to(dtype).clone()
            norm = torch.nn.utils.clip_grad_norm_(params, max_norm=1.0)
            tensors[f"clip/{tag}/{k}/norm"] = norm.detach().to(torch.float64).reshape(())
            for i, p in enumerate(params):
                tensors[f"clip/{tag}/{k}/g{i}"] = p.grad.detach().clone()

    schedules(tensors, meta)
    write_safetensors(OUT, tensors, meta)
    print(f"{os.path.relpath(OUT)}: {os.path.getsize(OUT)} bytes, {len(tensors)} tensors")


def lrs_of(scheduler_factory, base, steps):
    """The rate each of `steps` updates uses: read before the update, scheduler stepped after."""
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base)
    sched = scheduler_factory(opt)
    out = []
    for _ in range(steps):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return torch.tensor(out, dtype=torch.float64)


def schedules(tensors, meta):
    sched = torch.optim.lr_scheduler
    meta["sched/step_decay"] = json.dumps({"base": 0.1, "step_size": 3, "gamma": 0.5, "steps": 20})
    tensors["sched/step_decay"] = lrs_of(lambda o: sched.StepLR(o, step_size=3, gamma=0.5), 0.1, 20)

    meta["sched/cosine"] = json.dumps({"base": 0.1, "t_max": 10, "eta_min": 0.001, "steps": 11})
    tensors["sched/cosine"] = lrs_of(lambda o: sched.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 0.1, 11)

    base, warmup, total, low = 0.1, 5, 20, 0.001

    def warmup_cosine(t):
        if t < warmup:
            return t / warmup
        if t >= total:
            return low / base
        progress = (t - warmup) / (total - warmup)
        return (low + (base - low) * (1 + math.cos(math.pi * progress)) / 2) / base

    meta["sched/warmup_cosine"] = json.dumps({"base": base, "warmup": warmup, "total": total, "min": low,
                                              "steps": 25})
    tensors["sched/warmup_cosine"] = lrs_of(lambda o: sched.LambdaLR(o, warmup_cosine), base, 25)


if __name__ == "__main__":
    main()
