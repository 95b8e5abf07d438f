package dev.lethe.tensor;

/**
 * The error function and its derivative in double precision ({@code java.lang.Math} has
 * neither), fast enough for exact GELU on every activation of a transformer.
 *
 * <p>Reference values come from two series that need no fitted constants: for |x| &lt; 2.5 the
 * everywhere-positive series erf(x) = 2/√π · e^(−x²) · Σ 2ⁿ x^(2n+1) / (2n+1)!! (Abramowitz &amp;
 * Stegun 7.1.6), whose terms never cancel; for |x| ≥ 2.5, erfc from its continued fraction
 * (A&amp;S 7.1.14). Both reach about 1e-15, but cost dozens of terms.
 *
 * <p>The fast path tabulates, at the grid points x_k = k/32 for 0 ≤ x_k ≤ 6, the Taylor
 * coefficients of erf up to order 8. They are exact in closed form: erf⁽ⁿ⁾(x) =
 * 2/√π · (−1)ⁿ⁻¹ · Hₙ₋₁(x) · e^(−x²) with the physicists' Hermite polynomials
 * (H₀ = 1, H₁ = 2x, Hₙ₊₁ = 2x·Hₙ − 2n·Hₙ₋₁). Between grid points |x − x_k| ≤ 1/64, so the
 * remainder is below 1e-16 and one evaluation is a table lookup and a degree-8 Horner
 * polynomial. Beyond 6, erf = ±1 to double precision and erf′ underflows to nothing that matters.
 */
final class Erf {
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_PI = 1.0 / Math.sqrt(Math.PI);
    private static final int STEPS_PER_UNIT = 32;
    private static final double LIMIT = 6.0;
    private static final int ORDER = 8;
    private static final int POINTS = (int) (LIMIT * STEPS_PER_UNIT) + 1;
    /** {@code COEF[k·(ORDER+1) + j]} = erf⁽ʲ⁾(x_k) / j!. */
    private static final double[] COEF = new double[POINTS * (ORDER + 1)];

    static {
        double[] hermite = new double[ORDER];
        for (int k = 0; k < POINTS; k++) {
            double x = (double) k / STEPS_PER_UNIT;
            hermite[0] = 1;
            if (ORDER > 1) {
                hermite[1] = 2 * x;
            }
            for (int n = 1; n + 1 < ORDER; n++) {
                hermite[n + 1] = 2 * x * hermite[n] - 2 * n * hermite[n - 1];
            }
            double g = TWO_OVER_SQRT_PI * Math.exp(-x * x);
            int base = k * (ORDER + 1);
            COEF[base] = reference(x);
            double factorial = 1;
            for (int j = 1; j <= ORDER; j++) {
                factorial *= j;
                double sign = (j - 1) % 2 == 0 ? 1 : -1;
                COEF[base + j] = sign * hermite[j - 1] * g / factorial;
            }
        }
    }

    private Erf() {
    }

    /** erf(x) by the tabulated Taylor expansion. */
    static double erf(double x) {
        double a = Math.abs(x);
        if (!(a < LIMIT)) {
            return Double.isNaN(x) ? x : Math.copySign(1.0, x);
        }
        int k = (int) (a * STEPS_PER_UNIT + 0.5);
        double d = a - (double) k / STEPS_PER_UNIT;
        int base = k * (ORDER + 1);
        double r = COEF[base + ORDER];
        for (int j = ORDER - 1; j >= 0; j--) {
            r = r * d + COEF[base + j];
        }
        return x < 0 ? -r : r;
    }

    /** erf′(x) = 2/√π · e^(−x²), from the same table (the derivative of the same polynomial). */
    static double derivative(double x) {
        double a = Math.abs(x);
        if (!(a < LIMIT)) {
            return Double.isNaN(x) ? x : 0.0;
        }
        int k = (int) (a * STEPS_PER_UNIT + 0.5);
        double d = a - (double) k / STEPS_PER_UNIT;
        int base = k * (ORDER + 1);
        double r = ORDER * COEF[base + ORDER];
        for (int j = ORDER - 1; j >= 1; j--) {
            r = r * d + j * COEF[base + j];
        }
        return r;
    }

    /** The slow, series-based erf the table is built from (and tests compare against). */
    static double reference(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double a = Math.abs(x);
        double r;
        if (a < 2.5) {
            double x2 = a * a;
            double term = a;
            double sum = a;
            for (int n = 1; n < 80; n++) {
                term *= 2.0 * x2 / (2 * n + 1);
                sum += term;
                if (term < sum * 1e-17) {
                    break;
                }
            }
            r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
        } else if (a < 6.0) {
            r = 1.0 - erfcContinuedFraction(a);
        } else {
            r = 1.0;
        }
        return x < 0 ? -r : r;
    }

    /** erfc(a) = e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + ...))))), a ≥ 2.5. */
    private static double erfcContinuedFraction(double a) {
        double f = a;
        for (int k = 60; k >= 1; k--) {
            f = a + (k * 0.5) / f;
        }
        return Math.exp(-a * a) * INV_SQRT_PI / f;
    }
}
