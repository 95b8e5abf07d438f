package dev.lethe.tensor.cpu;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;

/**
 * torch.gather, index_select, scatter_add_ and index_add_ along any axis, for any strides and
 * int64 or int32 indices. All four are one loop: an index tensor walks its own coordinates;
 * operand A is addressed by those coordinates with the axis coordinate replaced by the index
 * value, operand B by the coordinates themselves. Gather copies A into B, scatter-add adds B into
 * A. index_select and index_add_ are the same with a 1-D index broadcast (stride 0) across the
 * other dimensions.
 *
 * <p>Work is split over the coordinates off the axis, so two threads never write the same
 * element and duplicate indices accumulate in index order, as on PyTorch's CPU. Every index value
 * is checked against the axis before it is used.
 */
final class Indexing {
    private static final int GRAIN = 1 << 14;

    private Indexing() {
    }

    /** One element step: A's position and B's position. */
    @FunctionalInterface
    private interface Step {
        void apply(int a, int b);
    }

    /** Reads the index value stored at a position. */
    @FunctionalInterface
    private interface IndexAt {
        long at(int pos);
    }

    /** {@code out[..i..] = x[..index[..i..]..]} along axis; out has index's shape. */
    static Tensor gather(Tensor x, int axis, Tensor index) {
        String op = "gather";
        int a = checkAxis(x, axis, op);
        ArgChecks.requireHost(x, "input", op);
        ArgChecks.requireIndex(index, "index", op);
        checkFits(index, x, a, false, "input", op);
        Tensor out = Tensor.empty(x.backend(), x.dtype(), index.shape());
        walk(index, x, out, a, copyAToB(out, x), op);
        return out;
    }

    /** Whole slices of x along axis at the positions of a 1-D index. */
    static Tensor indexSelect(Tensor x, int axis, Tensor index) {
        String op = "indexSelect";
        int a = checkAxis(x, axis, op);
        ArgChecks.requireHost(x, "input", op);
        ArgChecks.requireIndex(index, "index", op);
        requireVector(index, op);
        int[] shape = x.shape();
        shape[a] = index.size(0);
        Tensor out = Tensor.empty(x.backend(), x.dtype(), shape);
        walk(alongAxis(index, shape, a), x, out, a, copyAToB(out, x), op);
        return out;
    }

    /** {@code out[..index[..i..]..] += src[..i..]} along axis, in place. */
    static void scatterAdd(Tensor out, int axis, Tensor index, Tensor src) {
        String op = "scatterAdd";
        int a = checkAxis(out, axis, op);
        ArgChecks.requireHost(out, "out", op);
        ArgChecks.requireDType(src, out.dtype(), "src", op);
        ArgChecks.requireIndex(index, "index", op);
        checkFits(index, out, a, false, "out", op);
        checkFits(index, src, a, true, "src", op);
        walk(index, out, src, a, addBToA(out, src), op);
    }

    /** {@code out.select(axis, index[i]) += src.select(axis, i)}, in place. */
    static void indexAdd(Tensor out, int axis, Tensor index, Tensor src) {
        String op = "indexAdd";
        int a = checkAxis(out, axis, op);
        ArgChecks.requireHost(out, "out", op);
        ArgChecks.requireDType(src, out.dtype(), "src", op);
        ArgChecks.requireIndex(index, "index", op);
        requireVector(index, op);
        int[] shape = src.shape();
        int[] want = out.shape();
        if (src.rank() == out.rank()) {
            want[a] = index.size(0);
        }
        if (!java.util.Arrays.equals(shape, want)) {
            throw new IllegalArgumentException(op + ": src has shape " + Shape.str(shape) + ", expected "
                    + Shape.str(want) + " for out " + Shape.str(out.shape()) + " and " + index.size(0) + " indices");
        }
        walk(alongAxis(index, shape, a), out, src, a, addBToA(out, src), op);
    }

    /**
     * Runs {@code step} for every element of the index: A's position uses the index value on
     * the axis, B's the element's own coordinates. Parallel over coordinates off the axis; each
     * run (innermost off-axis dimension) is owned by one thread, which loops over the axis
     * outside and the run inside so that the innermost loop walks memory in order.
     */
    private static void walk(Tensor index, Tensor aT, Tensor bT, int axis, Step step, String op) {
        int rank = index.rank();
        int[] ishape = index.shape();
        int len = ishape[axis];
        int limit = aT.shape()[axis];
        int[] outerShape = drop(ishape, axis);
        Runs runs = new Runs(outerShape, drop(index.strides(), axis), drop(aT.strides(), axis),
                drop(bT.strides(), axis));
        int idxAxis = index.strides()[axis];
        int aAxis = aT.strides()[axis];
        int bAxis = bT.strides()[axis];
        IndexAt at = reader(index);
        int[] base = {index.offset(), aT.offset(), bT.offset()};
        int si = runs.innerStride(0);
        int sa = runs.innerStride(1);
        int sb = runs.innerStride(2);
        int outer = Elementwise.toInt(runs.numel());
        if (rank == 0 || len == 0 || outer == 0) {
            return;
        }
        int grain = Math.max(1, GRAIN / len);
        CpuThreads.parallelFor(outer, grain, (s, e) -> runs.forRange(s, e, base, Integer.MAX_VALUE, (o, n) -> {
            for (int j = 0; j < len; j++) {
                int ib = o[0] + j * idxAxis;
                int bb = o[2] + j * bAxis;
                for (int k = 0; k < n; k++) {
                    long idx = at.at(ib + k * si);
                    if (idx < 0 || idx >= limit) {
                        throw new IndexOutOfBoundsException(op + ": index " + idx + " is outside [0, " + limit
                                + ") for dimension " + axis);
                    }
                    step.apply(o[1] + k * sa + (int) idx * aAxis, bb + k * sb);
                }
            }
        }));
    }

    /** A 1-D index viewed at {@code shape} along {@code axis} (stride 0 on every other dimension). */
    private static Tensor alongAxis(Tensor index, int[] shape, int axis) {
        int[] view = new int[shape.length];
        java.util.Arrays.fill(view, 1);
        view[axis] = index.size(0);
        return index.view(view).expand(shape);
    }

    private static Step copyAToB(Tensor b, Tensor a) {
        HostStorage bs = (HostStorage) b.storage();
        HostStorage as = (HostStorage) a.storage();
        if (a.dtype().byteSize() == 8) {
            LongBuffer bb = bs.longs();
            LongBuffer ab = as.longs();
            return (pa, pb) -> bb.put(pb, ab.get(pa));
        }
        IntBuffer bb = bs.ints();
        IntBuffer ab = as.ints();
        return (pa, pb) -> bb.put(pb, ab.get(pa));
    }

    private static Step addBToA(Tensor a, Tensor b) {
        HostStorage as = (HostStorage) a.storage();
        HostStorage bs = (HostStorage) b.storage();
        switch (a.dtype()) {
            case FLOAT32: {
                FloatBuffer ab = as.floats();
                FloatBuffer bb = bs.floats();
                return (pa, pb) -> ab.put(pa, ab.get(pa) + bb.get(pb));
            }
            case FLOAT64: {
                DoubleBuffer ab = as.doubles();
                DoubleBuffer bb = bs.doubles();
                return (pa, pb) -> ab.put(pa, ab.get(pa) + bb.get(pb));
            }
            case INT32: {
                IntBuffer ab = as.ints();
                IntBuffer bb = bs.ints();
                return (pa, pb) -> ab.put(pa, ab.get(pa) + bb.get(pb));
            }
            default: {
                LongBuffer ab = as.longs();
                LongBuffer bb = bs.longs();
                return (pa, pb) -> ab.put(pa, ab.get(pa) + bb.get(pb));
            }
        }
    }

    private static IndexAt reader(Tensor index) {
        HostStorage s = (HostStorage) index.storage();
        if (index.dtype() == DType.INT64) {
            LongBuffer b = s.longs();
            return b::get;
        }
        IntBuffer b = s.ints();
        return b::get;
    }

    private static int checkAxis(Tensor t, int axis, String op) {
        if (t.rank() == 0) {
            throw new IllegalArgumentException(op + " needs a tensor of rank >= 1");
        }
        return Shape.axis(axis, t.rank());
    }

    private static void requireVector(Tensor index, String op) {
        if (index.rank() != 1) {
            throw new IllegalArgumentException(op + " needs a 1-D index, got shape " + Shape.str(index.shape()));
        }
    }

    /** index must have t's rank and be no larger than t off the axis (and on it too when {@code alsoAxis}). */
    private static void checkFits(Tensor index, Tensor t, int axis, boolean alsoAxis, String what, String op) {
        int[] is = index.shape();
        int[] ts = t.shape();
        if (is.length != ts.length) {
            throw new IllegalArgumentException(op + ": index " + Shape.str(is) + " must have the rank of " + what + " "
                    + Shape.str(ts));
        }
        for (int d = 0; d < is.length; d++) {
            if ((d != axis || alsoAxis) && is[d] > ts[d]) {
                throw new IllegalArgumentException(op + ": index " + Shape.str(is) + " is larger than " + what + " "
                        + Shape.str(ts) + " at dimension " + d);
            }
        }
    }

    private static int[] drop(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }
}
