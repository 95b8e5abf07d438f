package dev.lethe.tensor;

/**
 * Exact GELU and its derivative in float32 arithmetic, each one branch-free rational function per
 * element, so that a loop over a float array applying it is vectorised by the JIT. The
 * table-and-polynomial {@link Erf} is exact to double precision but costs a lookup per element,
 * which keeps the loop scalar and made GELU most of a small vision transformer's step.
 *
 * <p>With u = x/√2, GELU(x) = x/2·(1 + erf(u)) and GELU′(x) = 1/2 + h(u), where
 * h(u) = (erf(u) + u·erf′(u))/2 and erf′(u) = 2/√π·e^(−u²). Both erf and h are odd and are
 * approximated on |u| ≤ 4 as u·P(u²)/Q(u²) (P of degree 6, Q of degree 5, Q(0) = 1), with u
 * clamped to ±4 beyond (erf(4) = 1 − 1.5e-8; h(4) = 1/2 + 2.5e-7). The coefficients are fitted by
 * {@code tools/numerics/fit_float_erf.py} (linearised least squares with Lawson re-weighting
 * towards minimax). In exact arithmetic the rationals are within 1.5e-9 (erf) and 8.7e-8 (h);
 * evaluated in float32, within 4e-7 of each (3.5e-7 and 3.0e-7 measured; the rounding of P and Q
 * dominates) — about three float32 ulps at 1. NaN propagates (the clamp keeps it).
 *
 * <p>The derivative is fitted on its own rather than derived from erf's rational: one rational
 * per loop keeps the loop body small enough for the JIT to unroll and vectorise it (a body with
 * three polynomials runs scalar, twenty times slower).
 */
final class FloatErf {
    private static final float CLAMP = 4f;
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));

    /** erf: P and Q. */
    private static final float[] ERF = {
        1.1283792e+00f, 1.847158e-01f, 5.4332845e-02f, 3.8396954e-03f, 3.8267628e-04f, 4.779963e-06f, -1.3664134e-08f,
        4.970337e-01f, 1.13828145e-01f, 1.5453786e-02f, 1.3095923e-03f, 6.4003914e-05f};
    /** h(u) = (erf(u) + u·erf′(u))/2: P and Q. */
    private static final float[] GELU_GRAD = {
        1.1283797e+00f, -9.277326e-02f, 8.020526e-02f, -4.0861312e-05f, 7.6170196e-04f, 5.7556927e-06f, 2.3071713e-08f,
        5.8445746e-01f, 1.6067429e-01f, 2.708052e-02f, 2.913659e-03f, 2.4552143e-04f};
    private static final float E0 = ERF[0], E1 = ERF[1], E2 = ERF[2], E3 = ERF[3], E4 = ERF[4], E5 = ERF[5], E6 = ERF[6];
    private static final float F1 = ERF[7], F2 = ERF[8], F3 = ERF[9], F4 = ERF[10], F5 = ERF[11];
    private static final float G0 = GELU_GRAD[0], G1 = GELU_GRAD[1], G2 = GELU_GRAD[2], G3 = GELU_GRAD[3],
            G4 = GELU_GRAD[4], G5 = GELU_GRAD[5], G6 = GELU_GRAD[6];
    private static final float H1 = GELU_GRAD[7], H2 = GELU_GRAD[8], H3 = GELU_GRAD[9], H4 = GELU_GRAD[10],
            H5 = GELU_GRAD[11];

    private FloatErf() {
    }

    /** erf(x) to 4e-7. */
    static float erf(float x) {
        float u = Math.max(-CLAMP, Math.min(CLAMP, x));
        float s = u * u;
        return u * (((((((E6 * s + E5) * s + E4) * s + E3) * s + E2) * s + E1) * s + E0)
                / (((((F5 * s + F4) * s + F3) * s + F2) * s + F1) * s + 1f));
    }

    /** {@code y[i] = x[i]/2 · (1 + erf(x[i]/√2))}; x and y may be the same array. */
    static void gelu(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[i];
            y[i] = 0.5f * v * (1f + erf(v * INV_SQRT2));
        }
    }

    /** {@code y[i] = GELU′(x[i]) = 1/2 + h(x[i]/√2)}, within 4e-7; x and y may be the same array. */
    static void geluGrad(float[] x, float[] y, int n) {
        for (int i = 0; i < n; i++) {
            float u = Math.max(-CLAMP, Math.min(CLAMP, x[i] * INV_SQRT2));
            float s = u * u;
            y[i] = 0.5f + u * (((((((G6 * s + G5) * s + G4) * s + G3) * s + G2) * s + G1) * s + G0)
                    / (((((H5 * s + H4) * s + H3) * s + H2) * s + H1) * s + 1f));
        }
    }
}
