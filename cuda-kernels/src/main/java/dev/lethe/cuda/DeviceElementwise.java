package dev.lethe.cuda;

import dev.lethe.tensor.BinaryOp;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.UnaryOp;

/**
 * The elementwise primitives on the device, each one launch of a generic strided kernel of
 * {@code elementwise.cu}: every operand is described to the kernel by its strides in the
 * output's shape ({@link KernelLayout}), broadcast dimensions with stride 0, so views and
 * broadcasting cost no copies. Operands of another dtype than the output are converted on the
 * device first ({@link DeviceOperand}). Every view is checked against its storage before the
 * launch.
 */
final class DeviceElementwise {
    private final CudaContext context;

    DeviceElementwise(CudaContext context) {
        this.context = context;
    }

    /** The kernels' suffix of a dtype. */
    static String suffix(DType t) {
        return switch (t) {
            case FLOAT32 -> "f32";
            case FLOAT64 -> "f64";
            case INT32 -> "i32";
            case INT64 -> "i64";
        };
    }

    /** {@code dst = value} over dst's view. */
    void fill(Tensor dst, double value) {
        String op = "fill";
        LaunchChecks.checkWithinStorage(dst, op);
        KernelLayout layout = new KernelLayout(dst.shape(), op).slot(0, strides(dst), dst.offset()).coalesced();
        KernelArgs args = new KernelArgs().i64(layout.numel()).layout(layout).pointer(address(dst));
        switch (dst.dtype()) {
            case FLOAT32 -> args.f32((float) value);
            case FLOAT64 -> args.f64(value);
            case INT32 -> args.i32((int) value);
            case INT64 -> args.i64((long) value);
        }
        context.launch("fill_" + suffix(dst.dtype()), geometry(layout.numel()), args);
    }

    /** {@code dst = (dst dtype) src}, src broadcast to dst's shape; both on this device. */
    void copy(Tensor src, Tensor dst) {
        String op = "copy";
        LaunchChecks.checkWithinStorage(src, op);
        LaunchChecks.checkWithinStorage(dst, op);
        KernelLayout layout = new KernelLayout(dst.shape(), op).slot(0, strides(dst), dst.offset())
                .slot(1, LaunchChecks.broadcastStrides(src, dst.shape(), op), src.offset()).coalesced();
        context.launch(KernelNames.copy(suffix(src.dtype()), suffix(dst.dtype())), geometry(layout.numel()),
                new KernelArgs().i64(layout.numel()).layout(layout).pointer(address(dst)).pointer(address(src)));
    }

    /** {@code out = op(x)}, x broadcast to out's shape. */
    void unary(UnaryOp op, Tensor x, Tensor out) {
        String name = "unary " + op.name().toLowerCase(java.util.Locale.ROOT);
        try (DeviceOperand cx = DeviceOperand.of(x, out.dtype())) {
            LaunchChecks.checkWithinStorage(out, name);
            KernelLayout layout = new KernelLayout(out.shape(), name).slot(0, strides(out), out.offset())
                    .slot(1, LaunchChecks.broadcastStrides(cx.tensor, out.shape(), name), cx.tensor.offset()).coalesced();
            context.launch("unary_" + suffix(out.dtype()), geometry(layout.numel()), new KernelArgs()
                    .i32(op.ordinal()).i64(layout.numel()).layout(layout).pointer(address(out)).pointer(address(cx.tensor)));
        }
    }

    /** {@code out = op(a, b)}, both broadcast to out's shape. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        String name = "binary " + op.label();
        try (DeviceOperand ca = DeviceOperand.of(a, out.dtype()); DeviceOperand cb = DeviceOperand.of(b, out.dtype())) {
            LaunchChecks.checkWithinStorage(out, name);
            KernelLayout layout = new KernelLayout(out.shape(), name).slot(0, strides(out), out.offset())
                    .slot(1, LaunchChecks.broadcastStrides(ca.tensor, out.shape(), name), ca.tensor.offset())
                    .slot(2, LaunchChecks.broadcastStrides(cb.tensor, out.shape(), name), cb.tensor.offset()).coalesced();
            context.launch("binary_" + suffix(out.dtype()), geometry(layout.numel()), new KernelArgs()
                    .i32(op.ordinal()).i64(layout.numel()).layout(layout).pointer(address(out))
                    .pointer(address(ca.tensor)).pointer(address(cb.tensor)));
        }
    }

    /** {@code out = cond != 0 ? a : b}, all three broadcast to out's shape. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        String name = "where";
        try (DeviceOperand cc = DeviceOperand.of(cond, out.dtype()); DeviceOperand ca = DeviceOperand.of(a, out.dtype());
             DeviceOperand cb = DeviceOperand.of(b, out.dtype())) {
            LaunchChecks.checkWithinStorage(out, name);
            KernelLayout layout = new KernelLayout(out.shape(), name).slot(0, strides(out), out.offset())
                    .slot(1, LaunchChecks.broadcastStrides(ca.tensor, out.shape(), name), ca.tensor.offset())
                    .slot(2, LaunchChecks.broadcastStrides(cb.tensor, out.shape(), name), cb.tensor.offset());
            KernelLayout[] both = KernelLayout.coalesce(layout, new KernelLayout(out.shape(), name)
                    .slot(0, LaunchChecks.broadcastStrides(cc.tensor, out.shape(), name), cc.tensor.offset()));
            layout = both[0];
            KernelLayout condLayout = both[1];
            context.launch("where_" + suffix(out.dtype()), geometry(layout.numel()), new KernelArgs()
                    .i64(layout.numel()).layout(layout).layout(condLayout).pointer(address(out))
                    .pointer(address(cc.tensor)).pointer(address(ca.tensor)).pointer(address(cb.tensor)));
        }
    }

    private LaunchGeometry geometry(long n) {
        return LaunchGeometry.elementwise(n, context.info().multiprocessors());
    }

    static long address(Tensor t) {
        return ((DeviceStorage) t.storage()).address();
    }

    static long[] strides(Tensor t) {
        int[] s = t.strides();
        long[] out = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            out[i] = s[i];
        }
        return out;
    }
}
