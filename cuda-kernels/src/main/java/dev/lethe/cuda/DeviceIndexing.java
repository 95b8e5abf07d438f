package dev.lethe.cuda;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.util.Arrays;

/**
 * gather, index_select, scatter_add_ and index_add_ on the device: one strided kernel
 * ({@code index_walk_*} in {@code indexing.cu}) walking the index as the CPU's Indexing does.
 * Operand A is addressed with the axis coordinate replaced by the index value, operand B by the
 * index element's own coordinates; gather copies A into B, scatter-add adds B into A. index_select
 * and index_add_ are the same with the 1-D index broadcast (stride 0) across the other
 * dimensions. Accumulation is deterministic (the CPU's order), with no float atomics.
 *
 * <p>The tensor front end has checked shapes and the index range; the kernel checks each value
 * again before it addresses anything, and a value out of range is reported here after the launch.
 */
final class DeviceIndexing {
    private final CudaContext context;

    DeviceIndexing(CudaContext context) {
        this.context = context;
    }

    Tensor gather(Tensor x, int axis, Tensor index) {
        Tensor out = Tensor.empty(x.backend(), x.dtype(), index.shape());
        walk(false, index, x, out, axis, "gather");
        return out;
    }

    Tensor indexSelect(Tensor x, int axis, Tensor index) {
        int[] shape = x.shape();
        shape[axis] = index.shape()[0];
        Tensor out = Tensor.empty(x.backend(), x.dtype(), shape);
        walk(false, alongAxis(index, shape, axis), x, out, axis, "indexSelect");
        return out;
    }

    void scatterAdd(Tensor out, int axis, Tensor index, Tensor src) {
        walk(true, index, out, src, axis, "scatterAdd");
    }

    void indexAdd(Tensor out, int axis, Tensor index, Tensor src) {
        walk(true, alongAxis(index, src.shape(), axis), out, src, axis, "indexAdd");
    }

    /** A 1-D index viewed at {@code shape} along {@code axis}: stride 0 on every other dimension. */
    private static Tensor alongAxis(Tensor index, int[] shape, int axis) {
        if (index.rank() != 1) {
            throw new IllegalArgumentException("a 1-D index is needed, got shape " + Shape.str(index.shape()));
        }
        int[] view = new int[shape.length];
        Arrays.fill(view, 1);
        view[axis] = index.shape()[0];
        return index.view(view).expand(shape);
    }

    private void walk(boolean add, Tensor index, Tensor a, Tensor b, int axis, String op) {
        if (index.dtype() != DType.INT64 && index.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + " needs an int64 or int32 index tensor, got " + index.dtype());
        }
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtypes differ (" + a.dtype() + " and " + b.dtype() + ")");
        }
        int rank = index.rank();
        if (rank == 0 || a.rank() != rank || b.rank() != rank || axis < 0 || axis >= rank) {
            throw new IllegalArgumentException(op + ": index " + Shape.str(index.shape()) + ", operands "
                    + Shape.str(a.shape()) + " and " + Shape.str(b.shape()) + " and axis " + axis + " do not fit");
        }
        for (int d = 0; d < rank; d++) {
            if ((d != axis && index.shape()[d] > a.shape()[d]) || index.shape()[d] > b.shape()[d]) {
                throw new IllegalArgumentException(op + ": index " + Shape.str(index.shape()) + " is larger than "
                        + Shape.str(a.shape()) + " or " + Shape.str(b.shape()) + " at dimension " + d);
            }
        }
        for (Tensor t : new Tensor[] {index, a, b}) {
            LaunchChecks.checkWithinStorage(t, op);
        }
        int[] outer = drop(index.shape(), axis);
        KernelLayout layout = new KernelLayout(outer, op)
                .slot(0, longs(drop(index.strides(), axis)), index.offset())
                .slot(1, longs(drop(a.strides(), axis)), a.offset())
                .slot(2, longs(drop(b.strides(), axis)), b.offset());
        long len = index.shape()[axis];
        long threads = add ? layout.numel() : layout.numel() * len;
        try (Tensor bad = Tensor.empty(a.backend(), DType.INT32).fill_(0)) {
            context.launch("index_walk_" + DeviceElementwise.suffix(a.dtype()), LaunchGeometry.elementwise(threads,
                    context.info().multiprocessors()), new KernelArgs().i32(add ? 1 : 0)
                    .i32(index.dtype() == DType.INT64 ? 1 : 0).i64(layout.numel()).layout(layout).i64(len)
                    .i64(index.strides()[axis]).i64(a.strides()[axis]).i64(b.strides()[axis]).i64(a.shape()[axis])
                    .pointer(DeviceElementwise.address(index)).pointer(DeviceElementwise.address(a))
                    .pointer(DeviceElementwise.address(b)).pointer(DeviceElementwise.address(bad)));
            if (bad.item() != 0) {
                throw new IndexOutOfBoundsException(op + ": an index value is outside [0, " + a.shape()[axis]
                        + ") for dimension " + axis + "; those elements were skipped");
            }
        }
    }

    private static int[] drop(int[] v, int i) {
        int[] r = new int[v.length - 1];
        System.arraycopy(v, 0, r, 0, i);
        System.arraycopy(v, i + 1, r, i, v.length - i - 1);
        return r;
    }

    private static long[] longs(int[] v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = v[i];
        }
        return r;
    }
}
