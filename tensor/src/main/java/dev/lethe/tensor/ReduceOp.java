package dev.lethe.tensor;

/** Associative reductions over axes. Sums accumulate in double whatever the dtype. */
public enum ReduceOp {
    SUM(0.0),
    MAX(Double.NEGATIVE_INFINITY),
    MIN(Double.POSITIVE_INFINITY);

    private final double identity;

    ReduceOp(double identity) {
        this.identity = identity;
    }

    /** The value of a reduction over nothing. */
    public double identity() {
        return identity;
    }

    /** Combines two partial results. */
    public double combine(double a, double b) {
        switch (this) {
            case SUM: return a + b;
            case MAX: return a > b || Double.isNaN(a) ? a : b;
            default: return a < b || Double.isNaN(a) ? a : b;
        }
    }

    /**
     * Reduces {@code x[0..n)} into {@code acc}. The sum keeps four independent partial sums so
     * the loop is not bound by the latency of one addition chain.
     */
    public double reduceChunk(double acc, double[] x, int n) {
        switch (this) {
            case SUM: {
                double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                int i = 0;
                for (; i + 3 < n; i += 4) {
                    s0 += x[i];
                    s1 += x[i + 1];
                    s2 += x[i + 2];
                    s3 += x[i + 3];
                }
                for (; i < n; i++) {
                    s0 += x[i];
                }
                return acc + ((s0 + s1) + (s2 + s3));
            }
            default: {
                double m = acc;
                for (int i = 0; i < n; i++) {
                    m = combine(m, x[i]);
                }
                return m;
            }
        }
    }

    /** The float32 chunk: same folding, eight double partial sums (float inputs convert exactly). */
    public double reduceChunk(double acc, float[] x, int n) {
        if (this != SUM) {
            double m = acc;
            for (int i = 0; i < n; i++) {
                m = combine(m, x[i]);
            }
            return m;
        }
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 7 < n; i += 8) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
            s4 += x[i + 4];
            s5 += x[i + 5];
            s6 += x[i + 6];
            s7 += x[i + 7];
        }
        for (; i < n; i++) {
            s0 += x[i];
        }
        return acc + (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));
    }
}
