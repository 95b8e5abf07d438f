package dev.lethe.tensor.cpu;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.OperandRules;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Softmax and log-softmax along one axis, forward and backward. The tensor is seen as
 * {@code [outer, len, inner]}; each of the {@code outer·inner} rows (length {@code len}, stride
 * {@code inner}) is loaded into a double array, computed there and stored back, rows split
 * across {@link CpuThreads}.
 */
final class Softmax {
    private static final int GRAIN = 1 << 14;

    private Softmax() {
    }

    /** Gets one row in {@code a} (the second operand's in {@code b}) and writes the result into {@code a}. */
    @FunctionalInterface
    interface RowKernel {
        void apply(double[] a, double[] b, int n);
    }

    /**
     * Softmax y = exp(x − max)/Σexp(x − max), or log-softmax x − max − log Σexp(x − max); subtracting
     * the row maximum keeps exp from overflowing.
     */
    static Tensor forward(Tensor x, int axis, boolean log) {
        ArgChecks.requireFloating(x, "input", log ? "logSoftmax" : "softmax");
        return mapRows(x, null, Shape.axis(axis, Math.max(x.rank(), 1)), (a, unused, n) -> {
            if (log) {
                logSoftmaxRow(a, n);
            } else {
                softmaxRow(a, n);
            }
        });
    }

    /**
     * Input gradient from the output y: softmax gx = y·(g − Σ g·y); log-softmax
     * gx = g − exp(y)·Σ g.
     */
    static Tensor backward(Tensor gradOut, Tensor y, int axis, boolean log) {
        String op = log ? "logSoftmaxBackward" : "softmaxBackward";
        ArgChecks.requireFloating(y, "output", op);
        ArgChecks.requireDType(gradOut, y.dtype(), "gradOut", op);
        OperandRules.requireShape(gradOut, y.shape(), "gradOut", op);
        return mapRows(gradOut, y, Shape.axis(axis, Math.max(y.rank(), 1)), (g, yy, n) -> {
            if (log) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    sum += g[i];
                }
                for (int i = 0; i < n; i++) {
                    g[i] -= Math.exp(yy[i]) * sum;
                }
            } else {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += g[i] * yy[i];
                }
                for (int i = 0; i < n; i++) {
                    g[i] = yy[i] * (g[i] - dot);
                }
            }
        });
    }

    /** Softmax of {@code a[0..n)} in place. */
    static void softmaxRow(double[] a, int n) {
        double max = max(a, n);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double e = Math.exp(a[i] - max);
            a[i] = e;
            sum += e;
        }
        double inv = 1.0 / sum;
        for (int i = 0; i < n; i++) {
            a[i] *= inv;
        }
    }

    /** Log-softmax of {@code a[0..n)} in place. */
    static void logSoftmaxRow(double[] a, int n) {
        double max = max(a, n);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(a[i] - max);
        }
        double shift = max + Math.log(sum);
        for (int i = 0; i < n; i++) {
            a[i] -= shift;
        }
    }

    private static double max(double[] a, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            // NaN propagates: a NaN row gives a NaN result, as in PyTorch.
            m = a[i] > m || Double.isNaN(a[i]) ? a[i] : m;
        }
        return m;
    }

    /**
     * Applies {@code kernel} to every row of {@code a} (and of {@code b}, same shape, when given)
     * along {@code axis}; returns a new contiguous tensor of a's dtype and shape.
     */
    static Tensor mapRows(Tensor a, Tensor b, int axis, RowKernel kernel) {
        int[] shape = a.shape();
        int rank = shape.length;
        int len = rank == 0 ? 1 : shape[axis];
        int inner = rank == 0 ? 1 : ArgChecks.prod(shape, axis + 1, rank);
        int rows = len == 0 ? 0 : a.numel() / len;
        DType t = a.dtype();
        Tensor out = Tensor.empty(a.backend(), t, shape);
        HostStorage os = (HostStorage) out.storage();
        try (Dense da = Dense.of(a); Dense db = b == null ? null : Dense.of(b)) {
            CpuThreads.parallelFor(rows, Math.max(1, GRAIN / Math.max(len, 1)), (s, e) -> {
                RowIo io = new RowIo();
                double[] ra = new double[len];
                double[] rb = new double[b == null ? 0 : len];
                for (int r = s; r < e; r++) {
                    int off = (r / inner) * len * inner + r % inner;
                    io.load(da.storage, t, da.offset + off, inner, ra, 0, len);
                    if (db != null) {
                        io.load(db.storage, t, db.offset + off, inner, rb, 0, len);
                    }
                    kernel.apply(ra, rb, len);
                    io.store(os, t, off, inner, ra, 0, len);
                }
            });
        }
        return out;
    }
}
