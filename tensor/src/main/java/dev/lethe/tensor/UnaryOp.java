package dev.lethe.tensor;

/**
 * Elementwise functions of one argument. Each constant defines its math once, on a chunk of
 * doubles; backends without their own kernel (the CPU backend) run every dtype through it.
 * Computing a float32 op in double and rounding once is at least as accurate as float math.
 *
 * <p>The derivative helpers ({@link #STEP}, {@link #GELU_GRAD}) exist so autograd rules stay
 * compositions of primitives.
 */
public enum UnaryOp {
    NEG { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = -x[i]; } },
    ABS { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.abs(x[i]); } },
    SQUARE { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = x[i] * x[i]; } },
    SQRT { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.sqrt(x[i]); } },
    RSQRT { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = 1.0 / Math.sqrt(x[i]); } },
    RECIPROCAL { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = 1.0 / x[i]; } },
    EXP { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.exp(x[i]); } },
    LOG { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.log(x[i]); } },
    SIGN { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.signum(x[i]); } },
    /** max(x, 0); ReLU'(0) = 0 is {@link #STEP}. */
    RELU { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = x[i] > 0 ? x[i] : 0.0; } },
    /** Heaviside step with step(0) = 0: the derivative of ReLU as PyTorch defines it. */
    STEP { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = x[i] > 0 ? 1.0 : 0.0; } },
    SIGMOID { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = sigmoid(x[i]); } },
    TANH { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.tanh(x[i]); } },
    ERF { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Erf.erf(x[i]); } },
    /** Exact GELU, x·Φ(x) = x/2·(1 + erf(x/√2)) (Hendrycks &amp; Gimpel 2016, eq. 1). */
    GELU { void apply(double[] x, double[] y, int n) {
        for (int i = 0; i < n; i++) y[i] = 0.5 * x[i] * (1.0 + Erf.erf(x[i] * INV_SQRT2));
    } },
    /** d/dx x·Φ(x) = Φ(x) + x·φ(x). */
    GELU_GRAD { void apply(double[] x, double[] y, int n) {
        for (int i = 0; i < n; i++) {
            double v = x[i];
            y[i] = 0.5 * (1.0 + Erf.erf(v * INV_SQRT2)) + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v);
        }
    } };

    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);

    /** Writes f(x[i]) to y[i] for i &lt; n; x and y may be the same array. */
    abstract void apply(double[] x, double[] y, int n);

    /** Applies the function to a chunk (public for backends in other packages). */
    public void applyChunk(double[] x, double[] y, int n) {
        apply(x, y, n);
    }

    /** The function at one point, for tests and scalar code. */
    public double at(double x) {
        double[] a = {x};
        apply(a, a, 1);
        return a[0];
    }

    private static double sigmoid(double v) {
        // Split by sign so exp never overflows.
        if (v >= 0) {
            return 1.0 / (1.0 + Math.exp(-v));
        }
        double e = Math.exp(v);
        return e / (1.0 + e);
    }
}
