package dev.lethe.tensor.cpu;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.ReduceOp;
import dev.lethe.tensor.Tensor;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/**
 * Reductions over any set of axes. The input is split into the kept axes (one output element
 * each) and the reduced axes (walked as {@link Runs}, loaded into double chunks and folded by
 * {@link ReduceOp#reduceChunk}). Many outputs are split across threads; a few outputs over a
 * large reduced block (a full sum) split the block instead and combine the partials in a fixed
 * order, so results do not depend on timing.
 */
final class Reductions {
    private static final int GRAIN = 1 << 15;

    private Reductions() {
    }

    static void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out) {
        if (op == ReduceOp.SUM && sumOverLeadingBlock(x, axes, out)) {
            return;
        }
        Split split = new Split(x, axes, out);
        HostStorage xs = (HostStorage) x.storage();
        HostStorage os = (HostStorage) out.storage();
        int outCount = Elementwise.toInt(split.outer.numel());
        long r = split.inner.numel();
        int innerStride = split.inner.innerStride(0);
        if (outCount >= CpuThreads.threads() || r < GRAIN) {
            CpuThreads.parallelFor(outCount, Math.max(1, (int) (GRAIN / Math.max(r, 1))), (s, e) -> {
                Lanes lanes = new Lanes();
                double[] chunk = new double[Lanes.CHUNK];
                double[] result = new double[1];
                split.outer.forRange(s, e, new int[] {out.offset(), x.offset()}, Integer.MAX_VALUE, (o, n) -> {
                    int so = split.outer.innerStride(0);
                    int sx = split.outer.innerStride(1);
                    for (int k = 0; k < n; k++) {
                        double acc = fold(op, split.inner, 0, r, o[1] + k * sx, innerStride, xs, x.dtype(), lanes, chunk);
                        result[0] = acc;
                        lanes.store(os, out.dtype(), o[0] + k * so, 1, result, 1);
                    }
                });
            });
            return;
        }
        // Few outputs, long reductions: split each block across threads.
        int parts = CpuThreads.threads();
        double[] partial = new double[parts];
        double[] result = new double[1];
        Lanes outLanes = new Lanes();
        split.outer.forRange(0, outCount, new int[] {out.offset(), x.offset()}, Integer.MAX_VALUE, (o, n) -> {
            int so = split.outer.innerStride(0);
            int sx = split.outer.innerStride(1);
            for (int k = 0; k < n; k++) {
                int xBase = o[1] + k * sx;
                CpuThreads.parallelFor(parts, 1, (ps, pe) -> {
                    Lanes lanes = new Lanes();
                    double[] chunk = new double[Lanes.CHUNK];
                    for (int p = ps; p < pe; p++) {
                        long from = r * p / parts;
                        long to = r * (p + 1) / parts;
                        partial[p] = fold(op, split.inner, from, to, xBase, innerStride, xs, x.dtype(), lanes, chunk);
                    }
                });
                double acc = op.identity();
                for (int p = 0; p < parts; p++) {
                    acc = op.combine(acc, partial[p]);
                }
                result[0] = acc;
                outLanes.store(os, out.dtype(), o[0] + k * so, 1, result, 1);
            }
        });
    }

    /**
     * Sums of a contiguous x over a block of neighbouring axes that is followed by kept axes —
     * x viewed as [P, R, Q], out[p, q] = Σ_r x[p, r, q], as for a bias gradient summed over the
     * batch. Adding whole rows of Q contiguous elements into an accumulator reads x once in
     * memory order; the generic path would gather each output's R elements at stride Q.
     * Returns false (nothing done) when the layout does not fit.
     */
    private static boolean sumOverLeadingBlock(Tensor x, int[] axes, Tensor out) {
        if (axes.length == 0) {
            return false;
        }
        int rank = x.rank();
        int first = axes[0];
        int last = axes[axes.length - 1];
        if (last - first + 1 != axes.length || last == rank - 1
                || !x.isContiguous() || !out.isContiguous()) {
            return false;
        }
        int[] shape = x.shape();
        long p = 1;
        long r = 1;
        long q = 1;
        for (int i = 0; i < rank; i++) {
            if (i < first) {
                p *= shape[i];
            } else if (i <= last) {
                r *= shape[i];
            } else {
                q *= shape[i];
            }
        }
        if (q < 16) {
            return false;
        }
        int rows = (int) r;
        int width = (int) q;
        int blocks = (int) p;
        HostStorage xs = (HostStorage) x.storage();
        HostStorage os = (HostStorage) out.storage();
        int xBase = x.offset();
        int oBase = out.offset();
        CpuThreads.parallelFor(width, Math.max(Lanes.CHUNK / 4, GRAIN / Math.max(rows * blocks, 1)), (s, e) -> {
            Lanes lanes = new Lanes();
            double[] chunk = new double[Lanes.CHUNK];
            double[] acc = new double[Lanes.CHUNK];
            for (int b = 0; b < blocks; b++) {
                for (int q0 = s; q0 < e; q0 += Lanes.CHUNK) {
                    int n = Math.min(Lanes.CHUNK, e - q0);
                    java.util.Arrays.fill(acc, 0, n, 0.0);
                    for (int row = 0; row < rows; row++) {
                        lanes.load(xs, x.dtype(), xBase + (b * rows + row) * width + q0, 1, chunk, n);
                        for (int i = 0; i < n; i++) {
                            acc[i] += chunk[i];
                        }
                    }
                    lanes.store(os, out.dtype(), oBase + b * width + q0, 1, acc, n);
                }
            }
        });
        return true;
    }

    private static final int ONES_LENGTH = 1 << 14;
    private static volatile FloatPointer onesVector;

    /** A shared off-heap vector of ONES_LENGTH ones (64 KB, cache-resident), made once. */
    private static FloatPointer ones() {
        FloatPointer v = onesVector;
        if (v == null) {
            synchronized (Reductions.class) {
                v = onesVector;
                if (v == null) {
                    v = new FloatPointer(ONES_LENGTH);
                    for (int i = 0; i < ONES_LENGTH; i++) {
                        v.put(i, 1f);
                    }
                    onesVector = v;
                }
            }
        }
        return v;
    }

    private static double fold(ReduceOp op, Runs inner, long from, long to, int base, int stride,
                               HostStorage xs, DType type, Lanes lanes, double[] chunk) {
        double[] acc = {op.identity()};
        if (type == DType.FLOAT32 && op == ReduceOp.SUM && stride == 1) {
            // Contiguous float sums: OpenBLAS's dsdot against a vector of ones converts to double
            // and adds with SIMD (Java will not vectorise a floating-point reduction), one call
            // per run of at most ONES elements.
            FloatPointer x = new FloatPointer(xs.pointer());
            inner.forRange(from, to, new int[] {base}, ONES_LENGTH, (o, n) -> {
                acc[0] += openblas.cblas_dsdot(n, x.position(o[0]), 1, ones(), 1);
            });
            return acc[0];
        }
        if (type == DType.FLOAT32) {
            float[] floats = new float[Lanes.CHUNK];
            inner.forRange(from, to, new int[] {base}, Lanes.CHUNK, (o, n) -> {
                Lanes.load(xs, o[0], stride, floats, n);
                acc[0] = op.reduceChunk(acc[0], floats, n);
            });
            return acc[0];
        }
        inner.forRange(from, to, new int[] {base}, Lanes.CHUNK, (o, n) -> {
            lanes.load(xs, type, o[0], stride, chunk, n);
            acc[0] = op.reduceChunk(acc[0], chunk, n);
        });
        return acc[0];
    }

    /** Index of the first extreme value along one axis (NaN counts as the extreme, like PyTorch). */
    static void argReduce(boolean max, Tensor x, int axis, Tensor out) {
        Split split = new Split(x, new int[] {axis}, out);
        HostStorage xs = (HostStorage) x.storage();
        HostStorage os = (HostStorage) out.storage();
        int outCount = Elementwise.toInt(split.outer.numel());
        int len = x.shape()[axis];
        int stride = x.strides()[axis];
        CpuThreads.parallelFor(outCount, Math.max(1, GRAIN / Math.max(len, 1)), (s, e) -> {
            Lanes lanes = new Lanes();
            double[] chunk = new double[Lanes.CHUNK];
            split.outer.forRange(s, e, new int[] {out.offset(), x.offset()}, Integer.MAX_VALUE, (o, n) -> {
                int so = split.outer.innerStride(0);
                int sx = split.outer.innerStride(1);
                for (int k = 0; k < n; k++) {
                    int xBase = o[1] + k * sx;
                    long best = 0;
                    double bestValue = 0;
                    for (int c = 0; c < len; c += Lanes.CHUNK) {
                        int m = Math.min(Lanes.CHUNK, len - c);
                        lanes.load(xs, x.dtype(), xBase + c * stride, stride, chunk, m);
                        for (int i = 0; i < m; i++) {
                            double v = chunk[i];
                            if (c + i == 0 || (!Double.isNaN(bestValue) && (Double.isNaN(v) || (max ? v > bestValue : v < bestValue)))) {
                                best = c + i;
                                bestValue = v;
                            }
                        }
                    }
                    os.longs().put(o[0] + k * so, best);
                }
            });
        });
    }

    /**
     * The k-th largest value by selection (Hoare's quickselect on a copy, O(n) expected), the
     * threshold a global top-k mask compares against.
     */
    static double kthLargest(Tensor x, long k) {
        double[] v = x.toDoubleArray();
        int target = (int) (v.length - k); // k-th largest = (n-k)-th smallest, 0-based
        int lo = 0;
        int hi = v.length - 1;
        long state = 0x9E3779B97F4A7C15L;
        while (lo < hi) {
            state ^= state << 13;
            state ^= state >>> 7;
            state ^= state << 17;
            double pivot = v[lo + (int) Long.remainderUnsigned(state, hi - lo + 1)];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (Double.compare(v[i], pivot) < 0) {
                    i++;
                }
                while (Double.compare(v[j], pivot) > 0) {
                    j--;
                }
                if (i <= j) {
                    double t = v[i];
                    v[i] = v[j];
                    v[j] = t;
                    i++;
                    j--;
                }
            }
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return v[target];
            }
        }
        return v[target];
    }

    /** The kept axes (outer iteration: output and input strides) and the reduced axes (inner iteration). */
    private static final class Split {
        final Runs outer;
        final Runs inner;

        Split(Tensor x, int[] axes, Tensor out) {
            int[] shape = x.shape();
            int[] st = x.strides();
            int[] ost = out.strides();
            boolean[] reduced = new boolean[shape.length];
            for (int a : axes) {
                reduced[a] = true;
            }
            int nr = axes.length;
            int[] keptShape = new int[shape.length - nr];
            int[] keptX = new int[shape.length - nr];
            int[] keptOut = new int[shape.length - nr];
            int[] redShape = new int[nr];
            int[] redX = new int[nr];
            for (int i = 0, k = 0, r = 0; i < shape.length; i++) {
                if (reduced[i]) {
                    redShape[r] = shape[i];
                    redX[r++] = st[i];
                } else {
                    keptShape[k] = shape[i];
                    keptX[k] = st[i];
                    keptOut[k++] = ost[i];
                }
            }
            outer = new Runs(keptShape, keptOut, keptX);
            inner = new Runs(redShape, redX);
        }
    }
}
