package dev.lethe.unlearn.eval;

/**
 * The decision function of an RBF SVM on one feature in [0, 1],
 * {@code f(x) = Σ_i c_i·exp(−γ(x − s_i)²) − ρ}, evaluated in O(K) per point instead of O(#SV):
 * expanding {@code exp(−γ(x − s)²) = e^{−γx²}·e^{−γs²}·e^{2γxs}} and the last factor as its
 * Taylor series gives
 * <pre>
 *   f(x) = e^{−γx²} · Σ_{k&lt;K} M_k·(2γx)^k / k!  − ρ,   M_k = Σ_i c_i·e^{−γ s_i²}·s_i^k,
 * </pre>
 * the moments M_k computed once (the one-dimensional case of the fast Gauss transform). With
 * x, s_i ∈ [0, 1] the truncated tail is at most e^{2γ}(2γ)^K/K!·Σ|c_i|, and K is chosen so that
 * it is below 1e-30.
 *
 * <p>{@link #bound()} bounds the difference between this value and the exact f(x) <em>plus</em>
 * the rounding error of LIBSVM's own evaluation (a sum of #SV products): standard
 * floating-point summation bounds, (n + O(K))·ε·(Σ|c_i| + |ρ|), doubled, plus the tail. Where
 * |value| exceeds it, the sign is the sign LIBSVM computes; callers ask LIBSVM itself otherwise.
 */
final class DecisionSeries {
    private static final double TAIL = 1e-30;

    private final double gamma;
    private final double rho;
    private final double[] moments;
    private final double bound;

    /**
     * @param s     the support vectors, each in [0, 1]
     * @param c     their coefficients α_i·y_i
     * @param rho   ρ
     * @param gamma the kernel's γ &gt; 0
     */
    DecisionSeries(double[] s, double[] c, double rho, double gamma) {
        this.gamma = gamma;
        this.rho = rho;
        // K: the first k at which the tail bound e^{2γ}(2γ)^k/k! falls below TAIL.
        int terms = 0;
        double t = Math.exp(2 * gamma);
        while (t > TAIL) {
            terms++;
            t *= 2 * gamma / terms;
        }
        double tail = t;
        this.moments = new double[terms];
        double absSum = 0;
        for (int i = 0; i < s.length; i++) {
            if (!(s[i] >= 0 && s[i] <= 1)) {
                throw new IllegalArgumentException("support vector " + i + " is " + s[i] + ", outside [0, 1]");
            }
            double term = c[i] * Math.exp(-gamma * s[i] * s[i]);
            for (int k = 0; k < terms; k++) {
                moments[k] += term;
                term *= s[i];
            }
            absSum += Math.abs(c[i]);
        }
        double eps = Math.ulp(1.0);
        this.bound = 2 * (s.length + 4.0 * terms + 12 * gamma + 16) * eps * (absSum + Math.abs(rho)) + tail * absSum;
    }

    /** f(x) for x in [0, 1], within {@link #bound()} of LIBSVM's value. */
    double value(double x) {
        double power = 1;
        double sum = 0;
        double step = 2 * gamma * x;
        for (int k = 0; k < moments.length; k++) {
            sum += moments[k] * power;
            power *= step / (k + 1);
        }
        return Math.exp(-gamma * x * x) * sum - rho;
    }

    /** How far {@link #value} and LIBSVM's evaluation of f may lie apart. */
    double bound() {
        return bound;
    }

    /** The number of Taylor terms K. */
    int terms() {
        return moments.length;
    }
}
