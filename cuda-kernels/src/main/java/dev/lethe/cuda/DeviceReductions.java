package dev.lethe.cuda;

import dev.lethe.tensor.ReduceOp;
import dev.lethe.tensor.Tensor;

/**
 * Sum, max and min over any set of axes on the device ({@code reduce.cu}): one block per output
 * element, its threads striding over the reduced sub-space and meeting in a shared-memory tree;
 * every dtype accumulates in double, as on the CPU, and integers are stored back as Java casts them.
 */
final class DeviceReductions {
    private final CudaContext context;

    DeviceReductions(CudaContext context) {
        this.context = context;
    }

    /** Reduces x over the sorted, distinct {@code axes} into out (x's shape with those axes 1). */
    void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out) {
        String name = "reduce " + op.name().toLowerCase(java.util.Locale.ROOT);
        if (x.dtype() != out.dtype()) {
            throw new IllegalArgumentException(name + ": the CUDA backend reduces into the input's dtype, not "
                    + x.dtype() + " into " + out.dtype());
        }
        ReductionLayouts layouts = ReductionLayouts.of(x.shape(), x.strides(), x.offset(), axes, out.shape(),
                out.strides(), out.offset(), name);
        LaunchChecks.checkWithinStorage(x, name);
        LaunchChecks.checkWithinStorage(out, name);
        LaunchGeometry g = LaunchGeometry.rows(layouts.outputs(), layouts.reduced(), context.info().multiprocessors());
        context.launch("reduce_" + DeviceElementwise.suffix(x.dtype()), g, new KernelArgs()
                .i32(op.ordinal()).i64(layouts.outputs()).i64(layouts.reduced()).layout(layouts.kept())
                .layout(layouts.over()).pointer(DeviceElementwise.address(out)).pointer(DeviceElementwise.address(x)));
    }
}
