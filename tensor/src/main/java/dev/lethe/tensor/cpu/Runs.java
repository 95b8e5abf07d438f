package dev.lethe.tensor.cpu;

/**
 * Walks several operands of one logical shape in row-major order, as runs along the innermost
 * dimension: the single iteration scheme behind every CPU elementwise op, copy and reduction.
 *
 * <p>Dimensions of size 1 are dropped and neighbouring dimensions that are contiguous with each
 * other in every operand are merged, so a contiguous tensor is one long run whatever its rank,
 * and a broadcast operand shows up as stride 0.
 */
final class Runs {
    /** Receives one run: the start offset of each operand, and its length. */
    @FunctionalInterface
    interface Body {
        void run(int[] offsets, int length);
    }

    private final int[] dims;
    private final int[][] strides; // [operand][dim]
    private final long numel;

    /**
     * @param shape   the logical shape all operands share
     * @param strides per operand, its element strides for {@code shape} (0 where broadcast)
     */
    Runs(int[] shape, int[]... strides) {
        int ops = strides.length;
        int[] d = new int[Math.max(shape.length, 1)];
        int[][] s = new int[ops][d.length];
        int k = 0;
        long n = 1;
        for (int i = 0; i < shape.length; i++) {
            n *= shape[i];
            if (shape[i] == 1) {
                continue;
            }
            if (k > 0 && mergeable(strides, i, s, k - 1, shape[i])) {
                d[k - 1] *= shape[i];
                for (int o = 0; o < ops; o++) {
                    s[o][k - 1] = strides[o][i];
                }
                continue;
            }
            d[k] = shape[i];
            for (int o = 0; o < ops; o++) {
                s[o][k] = strides[o][i];
            }
            k++;
        }
        if (k == 0) { // rank 0 or all ones: one element
            d[0] = 1;
            k = 1;
        }
        this.dims = java.util.Arrays.copyOf(d, k);
        this.strides = new int[ops][];
        for (int o = 0; o < ops; o++) {
            this.strides[o] = java.util.Arrays.copyOf(s[o], k);
        }
        this.numel = n;
    }

    private static boolean mergeable(int[][] strides, int i, int[][] merged, int last, int size) {
        for (int o = 0; o < strides.length; o++) {
            if ((long) merged[o][last] != (long) strides[o][i] * size) {
                return false;
            }
        }
        return true;
    }

    /** Number of elements. */
    long numel() {
        return numel;
    }

    /** Stride of operand {@code op} along the run. */
    int innerStride(int op) {
        return strides[op][dims.length - 1];
    }

    /** Length of the innermost (run) dimension. */
    int innerLength() {
        return dims[dims.length - 1];
    }

    /**
     * Visits elements {@code [start, end)} (row-major flat positions) as runs of at most
     * {@code maxRun} elements, operands starting at {@code base[op]}.
     */
    void forRange(long start, long end, int[] base, int maxRun, Body body) {
        int rank = dims.length;
        int ops = strides.length;
        int[] idx = new int[rank];
        int[] offs = new int[ops];
        long rem = start;
        for (int dd = rank - 1; dd >= 0; dd--) {
            idx[dd] = (int) (rem % dims[dd]);
            rem /= dims[dd];
        }
        long pos = start;
        int inner = dims[rank - 1];
        while (pos < end) {
            for (int o = 0; o < ops; o++) {
                long off = base[o];
                for (int dd = 0; dd < rank; dd++) {
                    off += (long) idx[dd] * strides[o][dd];
                }
                offs[o] = (int) off;
            }
            int len = (int) Math.min(Math.min(inner - idx[rank - 1], end - pos), maxRun);
            body.run(offs, len);
            pos += len;
            idx[rank - 1] += len;
            for (int dd = rank - 1; dd > 0 && idx[dd] == dims[dd]; dd--) {
                idx[dd] = 0;
                idx[dd - 1]++;
            }
        }
    }
}
