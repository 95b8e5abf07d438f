#!/usr/bin/env python3
"""Fits the float32 rationals of Lethe's vectorised GELU and GELU' (dev.lethe.tensor.FloatErf).

Two odd functions of u are fitted on |u| <= 4 as u * P(u^2) / Q(u^2) (P of degree 6, Q of
degree 5, Q(0) = 1), and clamped to their value at +-4 beyond:
  erf(u)                                  GELU(x)  = x/2 (1 + erf(u)),  u = x/sqrt(2)
  h(u) = (erf(u) + u 2/sqrt(pi) e^(-u^2))/2   GELU'(x) = 1/2 + h(u)
(at 4, erf is 1 - 1.5e-8 and h is 1/2 + 2.5e-7, so the clamp costs at most 2.5e-7).
A rational in u^2 is odd by construction and needs no table, so the JIT vectorises it.

The fit is a linearised least squares (Sanathanan-Koerner: minimise |x P - f Q| / |Q_prev|)
with Lawson re-weighting towards the minimax error. Prints the coefficients as Java float
literals, the fit's own error in float64 and the error of the float32 evaluation, which is what
the Java code sees (float rounding of P and Q dominates it).

    /usr/bin/python3 tools/numerics/fit_float_erf.py
"""
import math
from math import erf

import numpy as np

CLAMP = 4.0
P_DEGREE, Q_DEGREE = 6, 5


def gelu_grad_part(u):
    return 0.5 * (erf(u) + u * 2 / math.sqrt(math.pi) * math.exp(-u * u))


def fit(target, iterations=30):
    cheb = np.cos(np.linspace(0, np.pi, 4000)) * CLAMP / 2 + CLAMP / 2
    x = np.concatenate([cheb, np.linspace(0, CLAMP, 4000)])
    f = np.array([target(v) for v in x])
    s = x * x
    q_prev = np.ones_like(x)
    weight = np.ones_like(x)
    for _ in range(iterations):
        a = np.hstack([np.stack([x * s ** k for k in range(P_DEGREE + 1)], 1),
                       -np.stack([f * s ** k for k in range(1, Q_DEGREE + 1)], 1)])
        w = weight / np.abs(q_prev)
        sol, *_ = np.linalg.lstsq(a * w[:, None], f * w, rcond=None)
        p = sol[:P_DEGREE + 1]
        q = np.concatenate([[1.0], sol[P_DEGREE + 1:]])
        q_prev = np.polyval(q[::-1], s)
        err = x * np.polyval(p[::-1], s) / q_prev - f
        weight = weight * (1 + np.abs(err) / np.abs(err).max()) ** 2
    return p, q


def eval_float32(p, q, x):
    x = np.clip(np.asarray(x, np.float32), np.float32(-CLAMP), np.float32(CLAMP))
    s = x * x
    pv = np.float32(p[-1])
    for c in p[-2::-1]:
        pv = pv * s + np.float32(c)
    qv = np.float32(q[-1])
    for c in q[-2::-1]:
        qv = qv * s + np.float32(c)
    return x * pv / qv


def report(name, target):
    p, q = fit(target)
    x = np.linspace(0, CLAMP, 200001)
    ref = np.array([target(v) for v in x])
    s = x * x
    fit_err = np.abs(x * np.polyval(p[::-1], s) / np.polyval(q[::-1], s) - ref).max()
    x32 = np.linspace(-8, 8, 400001).astype(np.float32)
    f32_err = np.abs(eval_float32(p, q, x32).astype(np.float64)
                     - np.array([target(float(v)) for v in x32])).max()
    print(f"{name}: fit error (float64 evaluation) {fit_err:.3g}; float32 evaluation error {f32_err:.3g}")
    print("  P:", ", ".join(f"{np.format_float_scientific(np.float32(c), unique=True, trim='-')}f" for c in p))
    print("  Q:", ", ".join(f"{np.format_float_scientific(np.float32(c), unique=True, trim='-')}f" for c in q))


def main():
    report("erf(u)", erf)
    report("h(u) = (erf(u) + u erf'(u))/2", gelu_grad_part)


if __name__ == "__main__":
    main()
