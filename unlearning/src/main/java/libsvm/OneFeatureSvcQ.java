package libsvm;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * LIBSVM's {@code SVC_Q} — the matrix Q_ij = y_i·y_j·K(x_i, x_j) of the C-SVC dual — for inputs
 * of one feature and the RBF kernel, holding the feature in a plain {@code double[]} instead of
 * {@code svm_node} arrays.
 *
 * <p>Every entry is bit for bit what {@code SVC_Q} computes: LIBSVM's {@code Kernel} evaluates
 * RBF as {@code exp(−γ·(x_i² + x_j² − 2·x_i·x_j))} with x² and x_i·x_j as its sparse dot products
 * (for one feature: {@code 0 + a·b}, exactly {@code a·b}), and this class evaluates the same
 * expression in the same order. Only the bookkeeping differs: a kernel value depends on the two
 * feature values alone, so the values of one distinct x against every distinct x (a <em>row</em>)
 * are kept in a small least-recently-used cache, and a column of Q is a signed gather from its
 * row. Inputs with many repeated values (probabilities rounded to float32 saturate at 1) then
 * need far fewer {@code exp} calls; the Solver sees identical numbers and takes the identical path.
 *
 * <p>It lives in package {@code libsvm} because LIBSVM's {@code QMatrix}, {@code Cache} and
 * {@code Solver} are package-private.
 */
@SuppressWarnings("auxiliaryclass") // QMatrix and Cache are declared in LIBSVM's svm.java (javac still
// notes the two uses in declarations, which the annotation cannot reach)
final class OneFeatureSvcQ extends QMatrix {
    private final double gamma;
    private final byte[] y;
    private final double[] x;
    private final double[] xSquare;
    private final int[] distinctIndex;
    private final double[] distinct;
    private final double[] distinctSquare;
    private final double[] diagonal;
    private final Cache columns;
    private final LinkedHashMap<Integer, float[]> rows;
    private final int maxRows;

    /**
     * @param x         the feature of each sample
     * @param y         ±1 per sample
     * @param gamma     the RBF kernel's γ
     * @param cacheMb   the budget of LIBSVM's column cache, in MB (as {@code svm_parameter.cache_size})
     * @param rowsMb    the budget of the row cache, in MB
     */
    OneFeatureSvcQ(double[] x, byte[] y, double gamma, double cacheMb, double rowsMb) {
        int l = x.length;
        this.gamma = gamma;
        this.x = x.clone();
        this.y = y.clone();
        this.xSquare = new double[l];
        for (int i = 0; i < l; i++) {
            xSquare[i] = this.x[i] * this.x[i];
        }
        double[] sorted = this.x.clone();
        Arrays.sort(sorted);
        int n = 0;
        for (int i = 0; i < l; i++) {
            if (n == 0 || Double.compare(sorted[i], sorted[n - 1]) != 0) {
                sorted[n++] = sorted[i];
            }
        }
        this.distinct = Arrays.copyOf(sorted, n);
        this.distinctSquare = new double[n];
        for (int u = 0; u < n; u++) {
            distinctSquare[u] = distinct[u] * distinct[u];
        }
        this.distinctIndex = new int[l];
        for (int i = 0; i < l; i++) {
            distinctIndex[i] = Arrays.binarySearch(distinct, this.x[i]);
        }
        this.diagonal = new double[l];
        for (int i = 0; i < l; i++) {
            diagonal[i] = kernel(this.x[i], xSquare[i], this.x[i], xSquare[i]);
        }
        this.columns = new Cache(l, (long) (cacheMb * (1 << 20)));
        this.maxRows = (int) Math.max(2, Math.min(n, rowsMb * (1 << 20) / (4.0 * n + 64)));
        this.rows = new LinkedHashMap<>(2 * maxRows, 0.75f, true);
    }

    /** LIBSVM's RBF expression, {@code Kernel.kernel_function} for one feature. */
    private double kernel(double a, double aSquare, double b, double bSquare) {
        return Math.exp(-gamma * (aSquare + bSquare - 2 * (a * b)));
    }

    @Override
    float[] get_Q(int i, int len) {
        float[][] data = new float[1][];
        int start = columns.get_data(i, data, len);
        if (start < len) {
            float[] row = row(distinctIndex[i]);
            float[] column = data[0];
            byte yi = y[i];
            for (int j = start; j < len; j++) {
                // (float)(y_i·y_j·k) as SVC_Q writes it: rounding is symmetric, so the sign can
                // be applied after rounding k.
                float k = row[distinctIndex[j]];
                column[j] = yi == y[j] ? k : -k;
            }
        }
        return data[0];
    }

    /**
     * K(u, ·) rounded to float over every distinct value, computed once while it stays cached;
     * the least recently used row makes room (its array is reused, sparing the collector).
     */
    private float[] row(int u) {
        float[] row = rows.get(u);
        if (row == null) {
            if (rows.size() >= maxRows) {
                Iterator<Map.Entry<Integer, float[]>> eldest = rows.entrySet().iterator();
                row = eldest.next().getValue();
                eldest.remove();
            } else {
                row = new float[distinct.length];
            }
            double a = distinct[u];
            double aSquare = distinctSquare[u];
            for (int v = 0; v < row.length; v++) {
                row[v] = (float) kernel(a, aSquare, distinct[v], distinctSquare[v]);
            }
            rows.put(u, row);
        }
        return row;
    }

    @Override
    double[] get_QD() {
        return diagonal;
    }

    @Override
    void swap_index(int i, int j) {
        columns.swap_index(i, j);
        swap(x, i, j);
        swap(xSquare, i, j);
        swap(diagonal, i, j);
        byte yt = y[i];
        y[i] = y[j];
        y[j] = yt;
        int ut = distinctIndex[i];
        distinctIndex[i] = distinctIndex[j];
        distinctIndex[j] = ut;
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
