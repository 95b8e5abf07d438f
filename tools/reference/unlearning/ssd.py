#!/usr/bin/python3
"""Writes the PyTorch reference for SSD (UNLEARNING.md "ssd"), read by the unlearning module's
SsdReferenceTest:

    unlearning/src/test/resources/reference/ssd.safetensors

A small MLP (in_features 12 = images 1x3x4, hidden [16, 8], 4 classes; PyTorch names fc1, fc2,
head, default init) on 40 random samples, D_f = 19 of them (so with batch size 16 both D and
D_f end in a partial batch: 16+16+8 and 16+3). Everything is computed in float64 from the
float32 weights and inputs that are stored, in eval mode, in file (index) order:

    state/<name>                         F32  the original weights
    x, y                                 F32 [40, 1, 3, 4], I64 [40]
    forget                               I64 [19]  D_f, increasing
    <variant>/importance_data/<name>     F64  I_D
    <variant>/importance_forget/<name>   F64  I_f
    <variant>/selected/<name>            I64  1 where I_f > alpha * I_D (strict), else 0
    <variant>/dampened/<name>            F64  the weights after theta <- min(lambda I_D / I_f, 1) theta
                                              on the selected scalars

with three variants (their settings are JSON in __metadata__ under the variant's name):

    ce_batch   I = (1/B) sum_b (grad of the batch-mean cross-entropy)^2        (the paper's code)
    l2_batch   I = (1/B) sum_b |grad of the batch mean of ||f(x)||_2^2|        (LFSSD, f(x) the logits)
    ce_sample  I = (1/n) sum_i (grad of the cross-entropy of sample i)^2       (empirical Fisher diagonal)

The importances follow the official code (if-loops/selective-synaptic-dampening, ssd.py:
calc_importance and modify_weight). alpha is chosen per variant so that about a tenth of the
scalars are selected (the nearest gap in the ratios to that), with every scalar's ratio I_f / I_D at least 0.1% away from alpha and the
same selection in float32 (so a float32 implementation cannot legitimately select otherwise);
ce_sample uses lambda = the median selected ratio, so that about half the selected factors are
clamped to 1.

Usage, from the repository root:  /usr/bin/python3 tools/reference/unlearning/ssd.py
The output is deterministic for a given torch version (about 40 kB).
"""
import copy
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from safetensors_file import write_safetensors  # noqa: E402
from make_model_references import Mlp  # noqa: E402  (Lethe's Mlp: flatten, fc1..fcK with ReLU, head)

SEED = 20240611
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "unlearning", "src", "test",
                   "resources", "reference", "ssd.safetensors")
N, FORGET, BATCH = 40, 19, 16
SELECTED_FRACTION = 0.1
MARGIN = 1e-3


def importance(model, x, y, loss, estimator, batch_size):
    """calc_importance: eval mode, batches in order (the last one partial), or one sample at a time."""
    model.eval()
    imp = {n: torch.zeros_like(p) for n, p in model.named_parameters()}
    step = batch_size if estimator == "batch" else 1
    batches = [(x[i:i + step], y[i:i + step]) for i in range(0, len(x), step)]
    for xb, yb in batches:
        model.zero_grad(set_to_none=True)
        out = model(xb)
        if loss == "ce":
            objective = F.cross_entropy(out, yb)
        else:
            objective = torch.norm(out, p="fro", dim=1).pow(2).mean()
        objective.backward()
        for n, p in model.named_parameters():
            imp[n] += p.grad.pow(2) if loss == "ce" else p.grad.abs()
    return {n: v / float(len(batches)) for n, v in imp.items()}


def dampen(model, imp_data, imp_forget, alpha, lam):
    """modify_weight, with the ratio formed only where selected."""
    out, masks = {}, {}
    with torch.no_grad():
        for n, p in model.named_parameters():
            sel = imp_forget[n] > alpha * imp_data[n]
            factor = torch.ones_like(p)
            factor[sel] = torch.clamp(lam * imp_data[n][sel] / imp_forget[n][sel], max=1.0)
            out[n] = p * factor
            masks[n] = sel.to(torch.int64)
    return out, masks


def choose_alpha(d64, f64, d32, f32):
    """A threshold selecting about SELECTED_FRACTION of the scalars, MARGIN away from every ratio,
    selecting the same scalars from the float32 importances."""
    ratios = []
    for n in d64:
        d, f = d64[n].reshape(-1), f64[n].reshape(-1)
        ratios += [(fi / di).item() if di > 0 else (float("inf") if fi > 0 else 0.0) for di, fi in zip(d, f)]
    finite = sorted(r for r in ratios if 0 < r < float("inf"))
    k = int(len(finite) * (1 - SELECTED_FRACTION))
    for j in sorted(range(len(finite) - 1), key=lambda j: abs(j - k)):
        lo, hi = finite[j], finite[j + 1]
        if hi > lo * (1 + 2 * MARGIN) ** 2:
            alpha = float("%.6g" % (lo * (1 + 2 * MARGIN)))
            if all(abs(r - alpha) > MARGIN * alpha for r in ratios) and same_selection(d64, f64, d32, f32, alpha):
                return alpha
    raise AssertionError("no threshold with a %.0f%% margin" % (100 * MARGIN))


def median_selected_ratio(d64, f64, alpha):
    """lambda that leaves about half the selected factors below 1 and clamps the other half."""
    ratios = sorted(r for n in d64 for r in (f64[n] / d64[n])[f64[n] > alpha * d64[n]].tolist())
    return float("%.6g" % ratios[len(ratios) // 2])


def same_selection(d64, f64, d32, f32, alpha):
    return all(torch.equal(f64[n] > alpha * d64[n], (f32[n] > alpha * d32[n]).cpu()) for n in d64)


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    model = Mlp(12, [16, 8], 4)
    x = torch.randn(N, 1, 3, 4)
    y = torch.randint(0, 4, (N,))
    forget = torch.sort(torch.randperm(N)[:FORGET]).values
    m32 = model.float()
    m64 = copy.deepcopy(model).double()
    x64 = x.double()
    out = {"state/" + n: t.detach().clone().float() for n, t in model.state_dict().items()}
    out["x"], out["y"], out["forget"] = x, y, forget
    meta = {"torch_version": torch.__version__, "seed": str(SEED), "generator": "tools/reference/unlearning/ssd.py"}
    for variant, loss, estimator in (("ce_batch", "ce", "batch"), ("l2_batch", "l2", "batch"),
                                     ("ce_sample", "ce", "sample")):
        d64 = importance(m64, x64, y, loss, estimator, BATCH)
        f64 = importance(m64, x64[forget], y[forget], loss, estimator, BATCH)
        d32 = importance(m32, x, y, loss, estimator, BATCH)
        f32 = importance(m32, x[forget], y[forget], loss, estimator, BATCH)
        alpha = choose_alpha(d64, f64, d32, f32)
        lam = median_selected_ratio(d64, f64, alpha) if variant == "ce_sample" else 1.0
        dampened, masks = dampen(m64, d64, f64, alpha, lam)
        total = sum(int(m.sum()) for m in masks.values())
        count = sum(m.numel() for m in masks.values())
        clamped = sum(int(((lam * d64[n] / f64[n]) >= 1)[masks[n].bool()].sum()) for n in masks)
        print("%-9s alpha %-10g lambda %-10g selected %d of %d (%d clamped to 1)" % (variant, alpha, lam, total,
                                                                                      count, clamped))
        assert 0 < total < count
        for n in d64:
            out["%s/importance_data/%s" % (variant, n)] = d64[n]
            out["%s/importance_forget/%s" % (variant, n)] = f64[n]
            out["%s/selected/%s" % (variant, n)] = masks[n]
            out["%s/dampened/%s" % (variant, n)] = dampened[n]
        meta[variant] = json.dumps({"loss": loss, "estimator": estimator, "batch_size": BATCH, "alpha": alpha,
                                    "lambda": lam})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    print("ssd.safetensors %d bytes" % write_safetensors(OUT, out, meta))


if __name__ == "__main__":
    main()
