#!/usr/bin/python3
"""Writes the membership-inference reference the unlearning tests compare MIA-efficacy against.

A Fashion-MNIST MLP (784-512-256-10, the demo's model) is trained in PyTorch; its float32 softmax
probability of the true label is taken, as SalUn's `SVC_MIA` takes it, for
    members      the first |D_t| = 10,000 samples of D_r in index order,
    non_members  the test set D_t (10,000),
    forget       D_f, a seeded 10% random sample of the 60,000 training images (6,000),
and scikit-learn's `SVC(C=3, gamma="auto", kernel="rbf")` (SVC_MIA's attack, gamma "auto" = 1 for
one feature) is fitted to members (label 1) and non-members (label 0). Stored:
    members, non_members, forget       the confidences (F32, as the attack reads them)
    sklearn/forget_predicted           the attack's prediction for each forget sample (I64)
    sklearn/grid, sklearn/grid_decision  decision_function on a grid of 1,001 points in [0, 1] (F64)
    sklearn/support, sklearn/dual_coef, sklearn/intercept   the fitted model (I64, F64, F64)
and in __metadata__ the efficacy (100 x the fraction of D_f predicted non-member) and the number
of support vectors. Written to
    unlearning/src/test/resources/reference/mia.safetensors

Needs PyTorch and scikit-learn (e.g. `pip install --target DIR scikit-learn` and
PYTHONPATH=DIR) and the Fashion-MNIST training split at /usr/share/datasets/fashion-mnist or
$LETHE_DATA/fashion-mnist. From the repository root:
    /usr/bin/python3 tools/reference/make_mia_references.py
"""
import gzip
import os

import numpy as np
import sklearn
import torch
import torch.nn as nn
from sklearn.svm import SVC

from safetensors_file import write_safetensors

SEED = 20240601
EPOCHS = 5
FORGET_FRACTION = 0.1
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                   "unlearning", "src", "test", "resources", "reference", "mia.safetensors")


def data_dir():
    for d in (os.path.join(os.environ.get("LETHE_DATA", ""), "fashion-mnist"), "/usr/share/datasets/fashion-mnist"):
        if os.path.exists(os.path.join(d, "train-images-idx3-ubyte.gz")):
            return d
    raise SystemExit("Fashion-MNIST's training split is not at $LETHE_DATA/fashion-mnist or /usr/share/datasets")


def idx(path):
    with gzip.open(path) as f:
        raw = f.read()
    n = int.from_bytes(raw[4:8], "big")
    if raw[3] == 3:
        return np.frombuffer(raw, np.uint8, offset=16).reshape(n, 784)
    return np.frombuffer(raw, np.uint8, offset=8)


def images(path):
    return torch.tensor((idx(path) / 255.0 - 0.2860) / 0.3530, dtype=torch.float32)


def main():
    torch.manual_seed(SEED)
    d = data_dir()
    x, y = images(d + "/train-images-idx3-ubyte.gz"), torch.tensor(idx(d + "/train-labels-idx1-ubyte.gz"), dtype=torch.int64)
    xt, yt = images(d + "/t10k-images-idx3-ubyte.gz"), torch.tensor(idx(d + "/t10k-labels-idx1-ubyte.gz"), dtype=torch.int64)

    model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(), nn.Linear(256, 10))
    steps = (len(x) + 127) // 128
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, EPOCHS * steps)
    for _ in range(EPOCHS):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            b = perm[i:i + 128]
            opt.zero_grad()
            nn.functional.cross_entropy(model(x[b]), y[b]).backward()
            opt.step()
            sched.step()
    model.eval()

    def confidence(inputs, labels):
        with torch.no_grad():
            return torch.softmax(model(inputs), 1).gather(1, labels[:, None])[:, 0]

    forget = np.sort(np.random.default_rng(SEED).choice(len(x), int(FORGET_FRACTION * len(x)), replace=False))
    retain = np.setdiff1d(np.arange(len(x)), forget)
    conf = confidence(x, y)
    members, non_members, forget_conf = conf[retain[:len(xt)]], confidence(xt, yt), conf[forget]

    features = torch.cat([members, non_members]).numpy().reshape(-1, 1)
    labels = np.concatenate([np.ones(len(members)), np.zeros(len(non_members))])
    clf = SVC(C=3, gamma="auto", kernel="rbf").fit(features, labels)
    predicted = clf.predict(forget_conf.numpy().reshape(-1, 1))
    efficacy = 100 * (1 - predicted.mean())
    grid = np.linspace(0, 1, 1001)
    print(f"{clf.n_support_.sum()} support vectors; "
          f"MIA-efficacy {efficacy:.4f}")

    tensors = {
        "members": members, "non_members": non_members, "forget": forget_conf,
        "sklearn/forget_predicted": torch.tensor(predicted.astype(np.int64)),
        "sklearn/grid": torch.tensor(grid),
        "sklearn/grid_decision": torch.tensor(clf.decision_function(grid.reshape(-1, 1))),
        "sklearn/support": torch.tensor(clf.support_.astype(np.int64)),
        "sklearn/dual_coef": torch.tensor(clf.dual_coef_[0].astype(np.float64)),
        "sklearn/intercept": torch.tensor(clf.intercept_.astype(np.float64)),
    }
    meta = {"torch_version": torch.__version__, "sklearn_version": sklearn.__version__, "seed": str(SEED),
            "epochs": str(EPOCHS), "efficacy": repr(float(efficacy)), "support_vectors": str(int(clf.n_support_.sum())),
            "generator": "tools/reference/make_mia_references.py"}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    print(OUT, write_safetensors(OUT, tensors, meta), "bytes")


if __name__ == "__main__":
    main()
