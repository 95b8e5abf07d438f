package dev.lethe.cuda;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * argmax / argmin along an axis and the k-th largest value on the device ({@code select.cu}).
 * Both give the CPU backend's answer exactly: argmax scans each row in order (first NaN, else
 * first extreme), and the k-th largest is a radix select on integer histograms
 * ({@link RadixSelect}).
 */
final class DeviceSelection {
    private final CudaContext context;

    DeviceSelection(CudaContext context) {
        this.context = context;
    }

    /** Writes the int64 index of the largest (smallest) value along {@code axis} into out (x's shape without it, or with it as 1). */
    void argReduce(boolean max, Tensor x, int axis, Tensor out) {
        String op = max ? "argmax" : "argmin";
        int a = Shape.axis(axis, Math.max(x.rank(), 1));
        long len = x.rank() == 0 ? 1 : x.shape()[a];
        long rows = len == 0 ? 0 : x.numel() / len;
        if (out.dtype() != DType.INT64 || out.numel() != rows) {
            throw new IllegalArgumentException(op + ": out must be int64 with " + rows + " elements, got "
                    + out.dtype() + Shape.str(out.shape()));
        }
        if (len == 0) {
            throw new IllegalArgumentException(op + " over an empty dimension of " + Shape.str(x.shape()));
        }
        long inner = 1;
        for (int d = a + 1; d < x.rank(); d++) {
            inner *= x.shape()[d];
        }
        try (DeviceOperand cx = DeviceOperand.contiguous(x, x.dtype());
             Tensor dense = Tensor.empty(out.backend(), DType.INT64, out.shape())) {
            context.launch("arg_reduce_" + DeviceElementwise.suffix(x.dtype()), LaunchGeometry.elementwise(rows,
                    context.info().multiprocessors()), new KernelArgs().i32(max ? 1 : 0).i64(rows).i64(len).i64(inner)
                    .pointer(DeviceElementwise.address(dense)).pointer(cx.address()));
            out.copyFrom_(dense);
        }
    }

    /** The k-th largest of x's values (1 ≤ k ≤ numel), by {@link Double#compare} order. */
    double kthLargest(Tensor x, long k) {
        long n = x.numel();
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k = " + k + " is outside [1, " + n + "] for kthLargest");
        }
        String kernel = "radix_histogram_" + DeviceElementwise.suffix(x.dtype());
        LaunchGeometry g = LaunchGeometry.elementwise(n, context.info().multiprocessors());
        try (DeviceOperand cx = DeviceOperand.contiguous(x, x.dtype());
             Tensor bins = Tensor.empty(x.backend(), DType.INT64, RadixSelect.BINS)) {
            long key = RadixSelect.select(n - k, n, (prefix, mask, shift) -> {
                bins.fill_(0);
                context.launch(kernel, g, new KernelArgs().i64(n).pointer(cx.address()).i64(prefix).i64(mask)
                        .i32(shift).pointer(DeviceElementwise.address(bins)));
                return bins.toLongArray();
            });
            return RadixSelect.value(key);
        }
    }
}
