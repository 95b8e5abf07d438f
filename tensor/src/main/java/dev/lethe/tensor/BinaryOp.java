package dev.lethe.tensor;

/**
 * Elementwise functions of two broadcast arguments, defined once on chunks of doubles.
 * Comparisons yield 1 or 0 in the result dtype.
 */
public enum BinaryOp {
    ADD("add") { void apply(double[] a, double[] b, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] + b[i]; }
        void apply(float[] a, float[] b, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] + b[i]; }
    },
    SUB("sub") { void apply(double[] a, double[] b, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] - b[i]; }
        void apply(float[] a, float[] b, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] - b[i]; }
    },
    MUL("mul") { void apply(double[] a, double[] b, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] * b[i]; }
        void apply(float[] a, float[] b, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] * b[i]; }
    },
    DIV("div") { void apply(double[] a, double[] b, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] / b[i]; }
        void apply(float[] a, float[] b, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] / b[i]; }
    },
    POW("pow") { void apply(double[] a, double[] b, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.pow(a[i], b[i]); }
        void apply(float[] a, float[] b, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = (float) Math.pow(a[i], b[i]); }
    },
    MAXIMUM("maximum") { void apply(double[] a, double[] b, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.max(a[i], b[i]); }
        void apply(float[] a, float[] b, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.max(a[i], b[i]); }
    },
    MINIMUM("minimum") { void apply(double[] a, double[] b, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.min(a[i], b[i]); }
        void apply(float[] a, float[] b, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = Math.min(a[i], b[i]); }
    },
    /** a where b &gt; 0, else 0 (NaN b gives 0): ReLU's backward, the gradient gated by the input, in one pass. */
    GATE("gate") { void apply(double[] a, double[] b, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = b[i] > 0 ? a[i] : 0; }
        void apply(float[] a, float[] b, float[] y, int n) {
            // Branch-free (a compare-and-select mispredicts on random signs): b > 0 exactly when
            // its bits, read as an int, lie in [1, 0x7F800000] (positive, non-zero, not NaN); two
            // arithmetic shifts turn that range test into an all-ones or all-zeros mask for a's bits.
            for (int i = 0; i < n; i++) {
                int bits = Float.floatToRawIntBits(b[i]);
                int mask = (-bits >> 31) & ((bits - 1 - 0x7F800000) >> 31);
                y[i] = Float.intBitsToFloat(Float.floatToRawIntBits(a[i]) & mask);
            }
        }
    },
    /** a + b²: a running sum of squares (SSD's importance, the empirical Fisher) in one pass. */
    ADD_SQUARE("add_square") { void apply(double[] a, double[] b, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] + b[i] * b[i]; }
        void apply(float[] a, float[] b, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] + b[i] * b[i]; }
    },
    /** a + |b|: a running sum of magnitudes (LFSSD's importance) in one pass. */
    ADD_ABS("add_abs") { void apply(double[] a, double[] b, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] + Math.abs(b[i]); }
        void apply(float[] a, float[] b, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] + Math.abs(b[i]); }
    },
    EQ("eq") { void apply(double[] a, double[] b, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] == b[i] ? 1 : 0; }
        void apply(float[] a, float[] b, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] == b[i] ? 1 : 0; }
    },
    NE("ne") { void apply(double[] a, double[] b, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] != b[i] ? 1 : 0; }
        void apply(float[] a, float[] b, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] != b[i] ? 1 : 0; }
    },
    LT("lt") { void apply(double[] a, double[] b, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] < b[i] ? 1 : 0; }
        void apply(float[] a, float[] b, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] < b[i] ? 1 : 0; }
    },
    LE("le") { void apply(double[] a, double[] b, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] <= b[i] ? 1 : 0; }
        void apply(float[] a, float[] b, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] <= b[i] ? 1 : 0; }
    },
    GT("gt") { void apply(double[] a, double[] b, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] > b[i] ? 1 : 0; }
        void apply(float[] a, float[] b, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] > b[i] ? 1 : 0; }
    },
    GE("ge") { void apply(double[] a, double[] b, double[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] >= b[i] ? 1 : 0; }
        void apply(float[] a, float[] b, float[] y, int n) { for (int i = 0; i < n; i++) y[i] = a[i] >= b[i] ? 1 : 0; }
    };

    private final String label;

    BinaryOp(String label) {
        this.label = label;
    }

    /** Writes f(a[i], b[i]) to y[i] for i &lt; n; y may alias a or b. */
    abstract void apply(double[] a, double[] b, double[] y, int n);

    /** The float32 kernel: float arithmetic, which IEEE rounding makes equal to double-then-round for + − × ÷. */
    abstract void apply(float[] a, float[] b, float[] y, int n);

    /** Applies the float32 kernel to a chunk. */
    public void applyChunk(float[] a, float[] b, float[] y, int n) {
        apply(a, b, y, n);
    }

    /** Applies the function to a chunk (public for backends in other packages). */
    public void applyChunk(double[] a, double[] b, double[] y, int n) {
        apply(a, b, y, n);
    }

    /** The name used in error messages, e.g. {@code add}. */
    public String label() {
        return label;
    }

    /** True for the comparisons. */
    public boolean isComparison() {
        return ordinal() >= EQ.ordinal();
    }
}
