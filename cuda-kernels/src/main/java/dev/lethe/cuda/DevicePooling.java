package dev.lethe.cuda;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Pool2dSpec;
import dev.lethe.tensor.PoolingRules;
import dev.lethe.tensor.Tensor;

/**
 * Max, average and adaptive average 2-D pooling on the device ({@code pool.cu}), forward and
 * backward, with the CPU backend's semantics: max pooling's indices are the int64 flat position
 * h·W + w of the first maximum in the input plane (a NaN wins), average pooling counts padding in
 * the divisor, adaptive windows are PyTorch's. Inputs are handed to the kernels contiguous; the
 * backward passes gather into each input element instead of scattering with atomics, so results
 * are the same on every run.
 */
final class DevicePooling {
    private final CudaContext context;

    DevicePooling(CudaContext context) {
        this.context = context;
    }

    /** Max pooling; the output and the indices of its maxima. */
    Backend.Pooled maxPool2d(Tensor x, Pool2dSpec spec) {
        String op = "maxPool2d";
        OperandChecks.requireOnDevice(x, "input", op);
        PoolingRules.requireNchw(x, "input", op);
        PoolingRules.requireFits(x, spec, op);
        int[] out = outputShape(x, spec.outH(x.size(2)), spec.outW(x.size(3)));
        try (DeviceOperand cx = DeviceOperand.contiguous(x, x.dtype())) {
            Tensor y = Tensor.empty(x.backend(), x.dtype(), out);
            Tensor indices = Tensor.empty(x.backend(), DType.INT64, out);
            context.launch("max_pool2d_" + DeviceElementwise.suffix(x.dtype()), elementwise(y.numel()),
                    windows(new KernelArgs().i64(planes(out)), x.shape(), out, spec)
                            .pointer(DeviceElementwise.address(y)).pointer(DeviceElementwise.address(indices))
                            .pointer(cx.address()));
            return new Backend.Pooled(y, indices);
        }
    }

    /**
     * Each output gradient added at the input position its maximum came from, in double and in
     * output order (one thread per plane). An index outside the plane is found by the kernel and
     * reported here (reading that flag back waits for the kernel).
     */
    Tensor maxPool2dBackward(Tensor gradOut, Tensor indices, int[] inputShape) {
        String op = "maxPool2dBackward";
        OperandChecks.requireOnDevice(gradOut, "gradOut", op);
        OperandChecks.requireOnDevice(indices, "indices", op);
        PoolingRules.requireNchw(gradOut, "gradOut", op);
        PoolingRules.requireIndices(indices, gradOut, op);
        PoolingRules.requireInputShape(inputShape, gradOut, op);
        DType t = gradOut.dtype();
        long inPlane = (long) inputShape[2] * inputShape[3];
        long outPlane = (long) gradOut.size(2) * gradOut.size(3);
        Tensor gx = Tensor.empty(gradOut.backend(), t, inputShape);
        try (DeviceOperand cg = DeviceOperand.contiguous(gradOut, t);
             DeviceOperand ci = DeviceOperand.contiguous(indices, DType.INT64);
             Tensor acc = t == DType.FLOAT64 ? null : Tensor.empty(gradOut.backend(), DType.FLOAT64, inputShape);
             Tensor bad = Tensor.empty(gradOut.backend(), DType.INT64)) {
            bad.fill_(-1); // all bits set: larger, as unsigned, than any position the kernel's atomicMin records
            long planes = planes(inputShape);
            context.launch("max_pool2d_backward_" + DeviceElementwise.suffix(t), elementwise(planes), new KernelArgs()
                    .i64(planes).i64(inPlane).i64(outPlane).pointer(DeviceElementwise.address(gx))
                    .pointer(DeviceElementwise.address(acc == null ? gx : acc)).pointer(cg.address())
                    .pointer(ci.address()).pointer(DeviceElementwise.address(bad)));
            long at = (long) bad.item();
            if (at != -1) {
                long index = (long) ci.tensor.view(ci.tensor.numel()).narrow(0, (int) at, 1).item();
                gx.close();
                throw new IndexOutOfBoundsException(op + ": index " + index + " is outside the input plane of "
                        + inPlane + " elements");
            }
        }
        return gx;
    }

    /** Average pooling, padding counted in the divisor kh·kw. */
    Tensor avgPool2d(Tensor x, Pool2dSpec spec) {
        String op = "avgPool2d";
        OperandChecks.requireOnDevice(x, "input", op);
        PoolingRules.requireNchw(x, "input", op);
        PoolingRules.requireFits(x, spec, op);
        int[] out = outputShape(x, spec.outH(x.size(2)), spec.outW(x.size(3)));
        try (DeviceOperand cx = DeviceOperand.contiguous(x, x.dtype())) {
            Tensor y = Tensor.empty(x.backend(), x.dtype(), out);
            context.launch("avg_pool2d_" + DeviceElementwise.suffix(x.dtype()), elementwise(y.numel()),
                    windows(new KernelArgs().i64(planes(out)), x.shape(), out, spec)
                            .pointer(DeviceElementwise.address(y)).pointer(cx.address()));
            return y;
        }
    }

    /** Gradient of {@link #avgPool2d}: each input element gathers g/(kh·kw) from the windows covering it. */
    Tensor avgPool2dBackward(Tensor gradOut, int[] inputShape, Pool2dSpec spec) {
        String op = "avgPool2dBackward";
        OperandChecks.requireOnDevice(gradOut, "gradOut", op);
        PoolingRules.requireNchw(gradOut, "gradOut", op);
        PoolingRules.requireBackward(gradOut, inputShape, spec, op);
        DType t = gradOut.dtype();
        Tensor gx = Tensor.empty(gradOut.backend(), t, inputShape);
        try (DeviceOperand cg = DeviceOperand.contiguous(gradOut, t)) {
            context.launch("avg_pool2d_backward_" + DeviceElementwise.suffix(t), elementwise(gx.numel()),
                    windows(new KernelArgs().i64(planes(inputShape)), inputShape, gradOut.shape(), spec)
                            .pointer(DeviceElementwise.address(gx)).pointer(cg.address()));
        }
        return gx;
    }

    /** PyTorch's adaptive average pooling to outH × outW. */
    Tensor adaptiveAvgPool2d(Tensor x, int outH, int outW) {
        String op = "adaptiveAvgPool2d";
        OperandChecks.requireOnDevice(x, "input", op);
        PoolingRules.requireNchw(x, "input", op);
        PoolingRules.requireAdaptive(x.size(2), x.size(3), outH, outW, op);
        int[] out = outputShape(x, outH, outW);
        try (DeviceOperand cx = DeviceOperand.contiguous(x, x.dtype())) {
            Tensor y = Tensor.empty(x.backend(), x.dtype(), out);
            context.launch("adaptive_avg_pool2d_" + DeviceElementwise.suffix(x.dtype()), elementwise(y.numel()),
                    new KernelArgs().i64(planes(out)).i32(x.size(2)).i32(x.size(3)).i32(outH).i32(outW)
                            .pointer(DeviceElementwise.address(y)).pointer(cx.address()));
            return y;
        }
    }

    /** Gradient of {@link #adaptiveAvgPool2d}: each input element gathers g / area from the windows covering it. */
    Tensor adaptiveAvgPool2dBackward(Tensor gradOut, int[] inputShape) {
        String op = "adaptiveAvgPool2dBackward";
        OperandChecks.requireOnDevice(gradOut, "gradOut", op);
        PoolingRules.requireNchw(gradOut, "gradOut", op);
        PoolingRules.requireInputShape(inputShape, gradOut, op);
        PoolingRules.requireOutputGrid(gradOut, op);
        DType t = gradOut.dtype();
        Tensor gx = Tensor.empty(gradOut.backend(), t, inputShape);
        try (DeviceOperand cg = DeviceOperand.contiguous(gradOut, t)) {
            context.launch("adaptive_avg_pool2d_backward_" + DeviceElementwise.suffix(t), elementwise(gx.numel()),
                    new KernelArgs().i64(planes(inputShape)).i32(inputShape[2]).i32(inputShape[3])
                            .i32(gradOut.size(2)).i32(gradOut.size(3)).pointer(DeviceElementwise.address(gx))
                            .pointer(cg.address()));
        }
        return gx;
    }

    /** The kernels' window parameters: h, w, oh, ow, kh, kw, sh, sw, ph, pw (POOL_GEOMETRY in pool.cu). */
    private static KernelArgs windows(KernelArgs args, int[] in, int[] out, Pool2dSpec spec) {
        return args.i32(in[2]).i32(in[3]).i32(out[2]).i32(out[3]).i32(spec.kernelH()).i32(spec.kernelW())
                .i32(spec.strideH()).i32(spec.strideW()).i32(spec.padH()).i32(spec.padW());
    }

    private static int[] outputShape(Tensor x, int oh, int ow) {
        return new int[] {x.size(0), x.size(1), oh, ow};
    }

    private static long planes(int[] nchw) {
        return (long) nchw[0] * nchw[1];
    }

    private LaunchGeometry elementwise(long n) {
        return LaunchGeometry.elementwise(n, context.info().multiprocessors());
    }
}
