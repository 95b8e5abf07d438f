#!/usr/bin/python3
"""Writes the PyTorch reference file the SalUn tests (module `unlearning`) compare against.

Output: unlearning/src/test/resources/reference/salun.safetensors

A small MLP (in_features 12, i.e. images 1x3x4; hidden [16, 8]; 4 classes; Lethe's layer names
fc1, fc2, head), 40 samples and a forget subset of 21 of them. Weights are PyTorch's default
init drawn in float32, then edited so that the saliency has ties:
  - fc1 unit 3 is dead (bias -50): its incoming weights, its bias and its outgoing fc2 column get
    exactly zero gradient (21 zeros);
  - fc1 unit 5 duplicates unit 4 (same incoming row and bias) and fc2 column 5 duplicates
    column 4: the two units' gradients are equal (21 tied pairs).

Stored tensors:
  state/<name>        the weights (F32), Lethe/PyTorch parameter order
  x, y                the 40 samples (F32 [40, 1, 3, 4]) and labels (I64 [40])
  forget              the forget indices, increasing (I64 [21])
  saliency/<name>     G = | sum_b grad( -mean_{i in b} CE ) | over the forget set in index order,
                      batches of 16 (the last has 5), eval mode, computed in float64 from the
                      float32 weights and inputs (F64)
  mask/<case>/<name>  the top-k mask (F32 0/1) of G rounded to float32, ranked globally over the
                      parameters concatenated in parameter order, k = floor(ratio * N) in double,
                      ties broken by the lower flat index (a stable descending sort)
  ratio/<case>        the ratio (F64 scalar), k/<case> (I64 scalar),
  threshold/<case>    the k-th largest value, i.e. the smallest selected one (F32 scalar)

Cases: "half" (ratio 0.5), "tie_duplicate" (a ratio whose k-th and (k+1)-th largest values are a
tied pair of nonzero duplicates, so the lower-index rule decides), "tie_zero" (a ratio that
reaches into the zeros, so k is filled with the first zeros in flat order). The script checks
that each tie case really straddles a tie.

Usage, from the repository root:  /usr/bin/python3 tools/reference/unlearning/salun.py
Deterministic for a given torch version; the file is a few kB.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from safetensors_file import write_safetensors  # noqa: E402

SEED = 20240611
BATCH = 16
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                   "unlearning", "src", "test", "resources", "reference", "salun.safetensors")


class Mlp(nn.Module):
    """Lethe's MLP: flatten, fc1, ReLU, fc2, ReLU, head."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(12, 16)
        self.fc2 = nn.Linear(16, 8)
        self.head = nn.Linear(8, 4)

    def forward(self, x):
        x = x.reshape(x.shape[0], -1)
        return self.head(F.relu(self.fc2(F.relu(self.fc1(x)))))


def saliency(model, x, y, forget):
    """G = |sum over batches of grad(-mean CE)|, forget samples in index order, eval mode."""
    model.eval()
    model.zero_grad()
    xf, yf = x[forget], y[forget]
    for start in range(0, len(forget), BATCH):
        loss = -F.cross_entropy(model(xf[start:start + BATCH]), yf[start:start + BATCH])
        loss.backward()
    return {name: p.grad.detach().abs().clone() for name, p in model.named_parameters()}


def top_k(values32, ratio):
    """The mask of the k = floor(ratio * N) largest, ties to the lower flat index; k and the threshold."""
    n = values32.size
    k = math.floor(ratio * n)
    order = np.argsort(-values32, kind="stable")  # stable: equal values keep increasing index order
    mask = np.zeros(n, dtype=np.float32)
    mask[order[:k]] = 1
    return mask, k, values32[order[k - 1]]


def main():
    torch.manual_seed(SEED)
    model = Mlp()
    with torch.no_grad():
        model.fc1.bias[3] = -50.0
        model.fc1.weight[5] = model.fc1.weight[4]
        model.fc1.bias[5] = model.fc1.bias[4]
        model.fc2.weight[:, 5] = model.fc2.weight[:, 4]
    x = torch.randn(40, 1, 3, 4, dtype=torch.float32)
    y = torch.randint(0, 4, (40,), dtype=torch.int64)
    forget = torch.sort(torch.randperm(40)[:21]).values

    state = {name: p.detach().clone() for name, p in model.named_parameters()}
    model64 = Mlp().double()
    model64.load_state_dict({k: v.double() for k, v in state.items()})
    g = saliency(model64, x.double(), y, forget)

    names = list(state)
    flat32 = np.concatenate([g[nm].numpy().ravel() for nm in names]).astype(np.float32)
    n = flat32.size
    desc = np.sort(flat32)[::-1]
    nonzero = int((flat32 > 0).sum())
    assert n - nonzero >= 21, "the dead unit should give at least 21 zero saliencies"
    # the first tied pair of nonzero values in the descending order below the middle
    dup_k = next(i + 1 for i in range(n // 4, nonzero - 1) if desc[i] == desc[i + 1])
    cases = {"half": 0.5, "tie_duplicate": (dup_k + 0.5) / n, "tie_zero": (nonzero + 5.5) / n}

    tensors = {}
    for nm in names:
        tensors["state/" + nm] = state[nm]
    tensors["x"] = x
    tensors["y"] = y
    tensors["forget"] = forget.to(torch.int64)
    for nm in names:
        tensors["saliency/" + nm] = g[nm]
    meta_cases = {}
    for case, ratio in cases.items():
        mask, k, threshold = top_k(flat32, ratio)
        if case != "half":
            ties = int((flat32 == threshold).sum())
            chosen = int(((flat32 == threshold) & (mask == 1)).sum())
            assert ties > chosen >= 1, f"{case}: the threshold {threshold} must split a tie ({chosen} of {ties})"
        at = 0
        for nm in names:
            size = g[nm].numel()
            tensors[f"mask/{case}/{nm}"] = torch.from_numpy(mask[at:at + size].reshape(g[nm].shape).copy())
            at += size
        tensors[f"ratio/{case}"] = torch.tensor(ratio, dtype=torch.float64)
        tensors[f"k/{case}"] = torch.tensor(k, dtype=torch.int64)
        tensors[f"threshold/{case}"] = torch.tensor(threshold, dtype=torch.float32)
        meta_cases[case] = {"ratio": ratio, "k": k, "threshold": float(threshold),
                            "tied_at_threshold": int((flat32 == threshold).sum())}
    metadata = {"torch_version": torch.__version__, "seed": str(SEED), "batch_size": str(BATCH),
                "parameters": str(n), "cases": json.dumps(meta_cases)}
    size = write_safetensors(OUT, tensors, metadata)
    print(f"{os.path.normpath(OUT)}: {size} bytes, N = {n}, nonzero saliencies {nonzero}")
    for case, m in meta_cases.items():
        print(f"  {case}: {m}")


if __name__ == "__main__":
    main()
