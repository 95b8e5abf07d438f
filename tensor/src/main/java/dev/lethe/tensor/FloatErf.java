package dev.lethe.tensor;

/**
 * erf in float32 arithmetic as one branch-free rational function, so that a loop over a float
 * array applying it is vectorised by the JIT: erf(x) ≈ x·P(x²)/Q(x²) on |x| ≤ 4, with x clamped
 * to ±4 beyond (erf(4) = 1 − 1.5e-8, below float32's resolution at 1). The table-and-polynomial
 * {@link Erf} is exact to double precision but costs a lookup per element, which keeps the loop
 * scalar and made GELU most of a small vision transformer's forward pass.
 *
 * <p>P (degree 6) and Q (degree 5, Q(0) = 1) are fitted by {@code tools/numerics/fit_float_erf.py}
 * (linearised least squares with Lawson re-weighting towards minimax): the rational is within
 * 1.5e-9 of erf; evaluated in float32 it is within 4e-7 (3.5e-7 measured; the rounding of P and Q), about three
 * float32 ulps at 1. P(0) = 2/√π, the exact slope at the origin. NaN propagates (the clamp keeps it).
 */
final class FloatErf {
    private static final float CLAMP = 4f;
    private static final float P0 = 1.1283792f;
    private static final float P1 = 0.1847158f;
    private static final float P2 = 0.054332845f;
    private static final float P3 = 0.0038396954f;
    private static final float P4 = 0.00038267628f;
    private static final float P5 = 4.779963e-06f;
    private static final float P6 = -1.3664134e-08f;
    private static final float Q1 = 0.4970337f;
    private static final float Q2 = 0.113828145f;
    private static final float Q3 = 0.015453786f;
    private static final float Q4 = 0.0013095923f;
    private static final float Q5 = 6.4003914e-05f;

    private FloatErf() {
    }

    /** erf(x) to 4e-7. */
    static float erf(float x) {
        float u = Math.max(-CLAMP, Math.min(CLAMP, x));
        float s = u * u;
        float p = ((((((P6 * s + P5) * s + P4) * s + P3) * s + P2) * s + P1) * s + P0);
        float q = (((((Q5 * s + Q4) * s + Q3) * s + Q2) * s + Q1) * s + 1f);
        return u * p / q;
    }

    /** {@code y[i] = x[i]/2 · (1 + erf(x[i]/√2))}, exact GELU in float32; a loop the JIT vectorises. */
    static void gelu(float[] x, float[] y, int n) {
        final float invSqrt2 = (float) (1 / Math.sqrt(2));
        for (int i = 0; i < n; i++) {
            float v = x[i];
            y[i] = 0.5f * v * (1f + erf(v * invSqrt2));
        }
    }

    /**
     * {@code y[i] = Φ(x) + x·φ(x)}, the derivative of exact GELU, with Φ(x) = (1 + erf(x/√2))/2
     * and φ(x) = e^(−x²/2)/√(2π) (the exponential in double, rounded once).
     */
    static void geluGrad(float[] x, float[] y, int n) {
        final float invSqrt2 = (float) (1 / Math.sqrt(2));
        final double invSqrt2Pi = 1 / Math.sqrt(2 * Math.PI);
        for (int i = 0; i < n; i++) {
            float v = x[i];
            double density = Math.exp(-0.5 * v * v) * invSqrt2Pi;
            y[i] = (float) (0.5 * (1f + erf(v * invSqrt2)) + v * density);
        }
    }
}
