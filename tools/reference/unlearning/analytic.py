#!/usr/bin/python3
"""Writes the PyTorch reference of ACU's analytic head (UNLEARNING.md, acu) that the unlearning
module's AnalyticReferenceTest compares against.

Output: unlearning/src/test/resources/reference/analytic.safetensors, all in plain PyTorch float64:

  phi                 F64 [N, FEAT]   backbone features given as input (a seeded torch draw)
  labels              I64 [N]         their classes, 0..K-1
  buffer/weight       F64 [D, FEAT]   W_buf, uniform in +-1/sqrt(FEAT) drawn from Philox4x32-10 with
                                      key SEED exactly as dev.lethe.tensor.Philox.uniformDoubles does
                                      (mirrored below), u -> (1/sqrt(FEAT)) * (2u - 1), row-major
  X                   F64 [N, D]      buffer features ReLU(phi W_buf^T)
  learned/W, /R       F64             after learning all N samples recursively in batches of
                                      LEARN_BATCH from R0 = I/gamma, W0 = 0:
                                        K = (I + X_k R X_k^T)^-1;  R <- R - R X_k^T K X_k R;
                                        W <- W + R X_k^T (Y_k - X_k W)      (the updated R)
  request<r>/indices  I64             the samples unlearned by request r (increasing order)
  request<r>/W, /R    F64             after unlearning them in batches of UNLEARN_BATCH:
                                        K = (I - X_u R X_u^T)^-1;  R <- R + R X_u^T K X_u R;
                                        W <- W - R X_u^T (Y_u - X_u W)      (the updated R)
                                      request 1: a random 10% of the samples; request 2: every
                                      remaining sample of class 2; request 3: a random 15% of
                                      what remains.

R is symmetrised, (R + R^T)/2, after every update; the small systems are solved with
torch.linalg.solve (LU), never by an explicit inverse. The script asserts that every state agrees
with ridge regression retrained in closed form on the remaining samples, R = (X^T X + gamma I)^-1,
W = R X^T Y, to 1e-10 relative, so the file holds the exact solution.

Usage, from the repository root:  /usr/bin/python3 tools/reference/unlearning/analytic.py
Deterministic for a given torch version; the file is about 200 kB.
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from safetensors_file import write_safetensors  # noqa: E402

N, FEAT, D, K = 240, 12, 48, 5
GAMMA = 0.1
SEED = 20250211
LEARN_BATCH = 32
UNLEARN_BATCH = 10
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                   "unlearning", "src", "test", "resources", "reference", "analytic.safetensors")

MASK32 = 0xFFFFFFFF
M0, M1 = 0xD2511F53, 0xCD9E8D57
W0, W1 = 0x9E3779B9, 0xBB67AE85


# ------------------------------------------------------------------------------------------
# Philox4x32-10 (Salmon et al., SC 2011) and Lethe's float64 uniform layout
# ------------------------------------------------------------------------------------------

def philox(counter, k0, k1):
    """Ten rounds on a 128-bit counter (four 32-bit words) with a 64-bit key."""
    c0, c1, c2, c3 = counter
    for _ in range(10):
        p0 = M0 * c0
        p1 = M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0) & MASK32, p1 & MASK32, ((p0 >> 32) ^ c3 ^ k1) & MASK32, p0 & MASK32
        k0 = (k0 + W0) & MASK32
        k1 = (k1 + W1) & MASK32
    return [c0, c1, c2, c3]


# Known answers published with Random123 (also checked by Lethe's PhiloxTest).
assert philox([0, 0, 0, 0], 0, 0) == [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]
assert philox([MASK32] * 4, MASK32, MASK32) == [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]


def uniform_doubles(seed, n):
    """A fresh generator's first n float64 uniforms: element i takes words (2(i%2), 2(i%2)+1) of
    block i//2; 53 bits = (w_j << 21) ^ (w_{j+1} >> 11), times 2^-53."""
    seed %= 1 << 64
    k0, k1 = seed & MASK32, seed >> 32
    out = []
    for i in range(n):
        if i % 2 == 0:
            ctr = i // 2
            words = philox([ctr & MASK32, ctr >> 32, 0, 0], k0, k1)
        j = 2 * (i % 2)
        bits = ((words[j] << 21) ^ (words[j + 1] >> 11)) & ((1 << 53) - 1)
        out.append(bits * 2.0 ** -53)
    return out


def buffer_weight(seed, d, feat):
    bound = 1 / math.sqrt(feat)
    u = uniform_doubles(seed, d * feat)
    return torch.tensor([bound * (2 * v - 1) for v in u], dtype=torch.float64).reshape(d, feat)


# ------------------------------------------------------------------------------------------
# recursive ridge regression, as UNLEARNING.md writes it
# ------------------------------------------------------------------------------------------

def symmetrise(r):
    return (r + r.T) / 2


def learn(r, w, x, y):
    eye = torch.eye(x.shape[0], dtype=torch.float64)
    k_xr = torch.linalg.solve(eye + x @ r @ x.T, x @ r)          # K X R
    r = symmetrise(r - r @ x.T @ k_xr)
    w = w + r @ x.T @ (y - x @ w)
    return r, w


def unlearn(r, w, x, y):
    eye = torch.eye(x.shape[0], dtype=torch.float64)
    k_xr = torch.linalg.solve(eye - x @ r @ x.T, x @ r)          # K X R
    r = symmetrise(r + r @ x.T @ k_xr)
    w = w - r @ x.T @ (y - x @ w)
    return r, w


def in_batches(step, r, w, x, y, idx, batch):
    for s in range(0, len(idx), batch):
        part = idx[s:s + batch]
        r, w = step(r, w, x[part], y[part])
    return r, w


def closed_form(x, y):
    r = torch.linalg.inv(x.T @ x + GAMMA * torch.eye(x.shape[1], dtype=torch.float64))  # the check only
    return r, r @ x.T @ y


def rel(a, b):
    return float(torch.linalg.norm(a - b) / torch.linalg.norm(b))


def main():
    gen = torch.Generator().manual_seed(SEED)
    labels = torch.randint(0, K, (N,), generator=gen)
    centres = torch.randn(K, FEAT, generator=gen, dtype=torch.float64)
    phi = (torch.randn(N, FEAT, generator=gen, dtype=torch.float64) + centres[labels]).relu()
    w_buf = buffer_weight(SEED, D, FEAT)
    x = (phi @ w_buf.T).relu()
    y = torch.nn.functional.one_hot(labels, K).to(torch.float64)

    tensors = {"phi": phi, "labels": labels, "buffer/weight": w_buf, "X": x}
    r = torch.eye(D, dtype=torch.float64) / GAMMA
    w = torch.zeros(D, K, dtype=torch.float64)
    remaining = list(range(N))
    r, w = in_batches(learn, r, w, x, y, remaining, LEARN_BATCH)
    cr, cw = closed_form(x, y)
    assert rel(r, cr) < 1e-10 and rel(w, cw) < 1e-10, (rel(r, cr), rel(w, cw))
    tensors["learned/W"], tensors["learned/R"] = w, r

    requests = [
        sorted(torch.randperm(N, generator=gen)[:N // 10].tolist()),
        None,  # class 2, from what remains
        None,  # 15% of what remains
    ]
    for number, forget in enumerate(requests, start=1):
        if number == 2:
            forget = [i for i in remaining if labels[i] == 2]
        elif number == 3:
            order = torch.randperm(len(remaining), generator=gen)[:len(remaining) * 15 // 100].tolist()
            forget = sorted(remaining[i] for i in order)
        r, w = in_batches(unlearn, r, w, x, y, forget, UNLEARN_BATCH)
        remaining = [i for i in remaining if i not in set(forget)]
        cr, cw = closed_form(x[remaining], y[remaining])
        print(f"request {number}: {len(forget)} forgotten, {len(remaining)} remain; "
              f"vs closed form R {rel(r, cr):.1e}, W {rel(w, cw):.1e}")
        assert rel(r, cr) < 1e-10 and rel(w, cw) < 1e-10
        tensors[f"request{number}/indices"] = torch.tensor(forget, dtype=torch.int64)
        tensors[f"request{number}/W"], tensors[f"request{number}/R"] = w, r

    metadata = {
        "torch_version": torch.__version__,
        "seed": str(SEED),
        "case": json.dumps({"n": N, "features": FEAT, "buffer_size": D, "classes": K, "gamma": GAMMA,
                            "learn_batch": LEARN_BATCH, "unlearn_batch": UNLEARN_BATCH}),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    size = write_safetensors(os.path.normpath(OUT), tensors, metadata)
    print(f"wrote {os.path.normpath(OUT)} ({size} bytes)")


if __name__ == "__main__":
    main()
