package dev.lethe.tensor;

/**
 * Elementwise functions of one argument. Each constant defines its math once, on a chunk of
 * doubles; backends without their own kernel (the CPU backend) run every dtype through it.
 * Computing a float32 op in double and rounding once is at least as accurate as float math; the
 * exception is GELU, whose float32 path uses {@link FloatErf} (within 4e-7 of erf) because a
 * transformer applies it to millions of activations per step.
 *
 * <p>The derivative helpers ({@link #STEP}, {@link #GELU_GRAD}) exist so autograd rules stay
 * compositions of primitives.
 */
public enum UnaryOp {
    NEG { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = -x[i]; }
        void apply(float[] x, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = -x[i]; } },
    ABS { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.abs(x[i]); }
        void apply(float[] x, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.abs(x[i]); } },
    SQUARE { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = x[i] * x[i]; }
        void apply(float[] x, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = x[i] * x[i]; } },
    SQRT { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.sqrt(x[i]); }
        void apply(float[] x, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = (float) Math.sqrt(x[i]); } },
    RSQRT { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = 1.0 / Math.sqrt(x[i]); }
        void apply(float[] x, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = (float) (1.0 / Math.sqrt(x[i])); } },
    RECIPROCAL { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = 1.0 / x[i]; }
        void apply(float[] x, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = 1f / x[i]; } },
    EXP { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.exp(x[i]); }
        void apply(float[] x, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = (float) Math.exp(x[i]); } },
    LOG { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.log(x[i]); }
        void apply(float[] x, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = (float) Math.log(x[i]); } },
    SIGN { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.signum(x[i]); }
        void apply(float[] x, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.signum(x[i]); } },
    /** max(x, 0), NaN kept (as PyTorch, so a NaN stays visible downstream); ReLU'(0) = 0 is {@link #STEP}. */
    RELU { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.max(x[i], 0.0); }
        // Math.max is branch-free and vectorised; a compare-and-select mispredicts on random signs
        void apply(float[] x, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.max(x[i], 0f); } },
    /** Heaviside step with step(0) = 0: the derivative of ReLU as PyTorch defines it. */
    STEP { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = x[i] > 0 ? 1.0 : 0.0; }
        void apply(float[] x, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = x[i] > 0 ? 1f : 0f; } },
    SIGMOID {
        void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = sigmoid(x[i]); }
        void apply(float[] x, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = (float) sigmoid(x[i]); } },
    TANH { void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.tanh(x[i]); }
        void apply(float[] x, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = (float) Math.tanh(x[i]); } },
    ERF {
        void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Erf.erf(x[i]); }
        void apply(float[] x, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = (float) Erf.erf(x[i]); } },
    /** Exact GELU, x·Φ(x) = x/2·(1 + erf(x/√2)) (Hendrycks &amp; Gimpel 2016, eq. 1). */
    GELU {
        void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = gelu(x[i]); }
        // float32: a rational erf the JIT vectorises ({@link FloatErf}), within 4e-7 of erf
        void apply(float[] x, float[] y, int n) { FloatErf.gelu(x, y, n); } },
    /** d/dx x·Φ(x) = Φ(x) + x·φ(x). */
    GELU_GRAD {
        void apply(double[] x, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = geluGrad(x[i]); }
        void apply(float[] x, float[] y, int n) { FloatErf.geluGrad(x, y, n); } };

    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double HALF_INV_SQRT2 = 0.5 / Math.sqrt(2.0);

    /** Writes f(x[i]) to y[i] for i &lt; n; x and y may be the same array. */
    abstract void apply(double[] x, double[] y, int n);

    /**
     * The float32 kernel: a float loop where float arithmetic rounds like double-then-round
     * (twice the SIMD lanes, no conversions), otherwise evaluated in double and rounded once.
     * Each constant writes its own loop so the JIT inlines the body instead of calling through
     * the enum per element.
     */
    abstract void apply(float[] x, float[] y, int n);

    /** Applies the float32 kernel to a chunk. */
    public void applyChunk(float[] x, float[] y, int n) {
        apply(x, y, n);
    }

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

    private static double gelu(double v) {
        return 0.5 * v * (1.0 + Erf.erf(v * INV_SQRT2));
    }

    private static double geluGrad(double v) {
        // φ(v) = e^(−v²/2)/√(2π) = erf′(v/√2)/(2√2)
        return 0.5 * (1.0 + Erf.erf(v * INV_SQRT2)) + v * Erf.derivative(v * INV_SQRT2) * HALF_INV_SQRT2;
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
