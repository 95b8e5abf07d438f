package dev.lethe.cuda;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Softmax, log-softmax and the fused cross-entropy on the device ({@code softmax.cu}): one block
 * per row, statistics in double. A tensor is handed to the kernels contiguous and viewed as
 * {@code [outer, cols, inner]} around the softmax axis, so any axis needs no transposing copy.
 */
final class DeviceSoftmax {
    private final CudaContext context;

    DeviceSoftmax(CudaContext context) {
        this.context = context;
    }

    /** softmax(x) or log_softmax(x) along {@code axis}. */
    Tensor forward(Tensor x, int axis, boolean log) {
        String op = log ? "logSoftmax" : "softmax";
        requireFloating(x, op);
        Rows r = Rows.of(x.shape(), axis);
        try (DeviceOperand cx = DeviceOperand.contiguous(x, x.dtype())) {
            Tensor y = Tensor.empty(x.backend(), x.dtype(), x.shape());
            context.launch("softmax_" + DeviceElementwise.suffix(x.dtype()), r.geometry(context), new KernelArgs()
                    .i32(log ? 1 : 0).i64(r.rows).i64(r.cols).i64(r.inner).pointer(DeviceElementwise.address(y))
                    .pointer(cx.address()));
            return y;
        }
    }

    /** The input gradient from the output y and its gradient. */
    Tensor backward(Tensor gradOut, Tensor y, int axis, boolean log) {
        String op = log ? "logSoftmaxBackward" : "softmaxBackward";
        requireFloating(y, op);
        if (gradOut.dtype() != y.dtype() || !java.util.Arrays.equals(gradOut.shape(), y.shape())) {
            throw new IllegalArgumentException(op + ": gradOut " + gradOut.dtype() + Shape.str(gradOut.shape())
                    + " must match the output " + y.dtype() + Shape.str(y.shape()));
        }
        Rows r = Rows.of(y.shape(), axis);
        try (DeviceOperand cg = DeviceOperand.contiguous(gradOut, y.dtype());
             DeviceOperand cy = DeviceOperand.contiguous(y, y.dtype())) {
            Tensor gx = Tensor.empty(y.backend(), y.dtype(), y.shape());
            context.launch("softmax_backward_" + DeviceElementwise.suffix(y.dtype()), r.geometry(context), new KernelArgs()
                    .i32(log ? 1 : 0).i64(r.rows).i64(r.cols).i64(r.inner).pointer(DeviceElementwise.address(gx))
                    .pointer(cg.address()).pointer(cy.address()));
            return gx;
        }
    }

    /**
     * Mean cross-entropy of logits [N, C] against int64 targets [N] with label smoothing ε, and
     * the log-probabilities backward needs. A target outside [0, C) is found by the kernel and
     * reported here by row (reading that flag back waits for the kernel).
     */
    Backend.CrossEntropy crossEntropy(Tensor logits, Tensor targets, double smoothing) {
        String op = "crossEntropy";
        int[] nc = checkShapes(logits, targets, smoothing, op);
        int n = nc[0];
        int c = nc[1];
        DType t = logits.dtype();
        Tensor logProbs = Tensor.empty(logits.backend(), t, n, c);
        try (DeviceOperand cl = DeviceOperand.contiguous(logits, t);
             DeviceOperand ct = DeviceOperand.contiguous(targets, DType.INT64);
             Tensor rowLoss = Tensor.empty(logits.backend(), DType.FLOAT64, n);
             Tensor badRow = Tensor.empty(logits.backend(), DType.INT64)) {
            badRow.fill_(-1); // all bits set: larger, as unsigned, than any row the kernel's atomicMin records
            context.launch("cross_entropy_" + DeviceElementwise.suffix(t), LaunchGeometry.rows(n, c,
                    context.info().multiprocessors()), new KernelArgs().i64(n).i64(c).f64(smoothing)
                    .pointer(DeviceElementwise.address(logProbs)).pointer(DeviceElementwise.address(rowLoss))
                    .pointer(cl.address()).pointer(ct.address()).pointer(DeviceElementwise.address(badRow)));
            long bad = (long) badRow.item();
            if (bad != -1) {
                long target = (long) ct.tensor.narrow(0, (int) bad, 1).item();
                logProbs.close();
                throw new IllegalArgumentException(op + ": target " + target + " at position " + bad
                        + " is outside the class range [0, " + c + ")");
            }
            try (Tensor total = rowLoss.sum(); Tensor mean = total.mul(1.0 / n)) {
                // N = 0 gives 0 · ∞ = NaN, the mean of nothing, as on the CPU and in PyTorch.
                return new Backend.CrossEntropy(mean.dtype() == t ? mean.copy() : mean.to(t), logProbs);
            }
        }
    }

    /** d loss / d logits = gradLoss / N · (softmax − (1−ε)·onehot(t) − ε/C). */
    Tensor crossEntropyBackward(double gradLoss, Backend.CrossEntropy forward, Tensor targets, double smoothing) {
        String op = "crossEntropyBackward";
        Tensor logProbs = forward.logProbs();
        int[] nc = checkShapes(logProbs, targets, smoothing, op);
        DType t = logProbs.dtype();
        Tensor grad = Tensor.empty(logProbs.backend(), t, nc[0], nc[1]);
        try (DeviceOperand cl = DeviceOperand.contiguous(logProbs, t);
             DeviceOperand ct = DeviceOperand.contiguous(targets, DType.INT64)) {
            long total = (long) nc[0] * nc[1];
            context.launch("cross_entropy_backward_" + DeviceElementwise.suffix(t), LaunchGeometry.elementwise(total,
                    context.info().multiprocessors()), new KernelArgs().i64(nc[0]).i64(nc[1]).f64(smoothing).f64(gradLoss)
                    .pointer(DeviceElementwise.address(grad)).pointer(cl.address()).pointer(ct.address()));
        }
        return grad;
    }

    private static int[] checkShapes(Tensor logits, Tensor targets, double smoothing, String op) {
        requireFloating(logits, op);
        if (logits.rank() != 2) {
            throw new IllegalArgumentException(op + ": logits must be [N, C], got " + Shape.str(logits.shape()));
        }
        int n = logits.shape()[0];
        if (targets.dtype().isFloating() || targets.rank() != 1 || targets.shape()[0] != n) {
            throw new IllegalArgumentException(op + ": targets must be an integer tensor of shape [" + n + "], got "
                    + targets.dtype() + Shape.str(targets.shape()));
        }
        if (!(smoothing >= 0 && smoothing <= 1)) {
            throw new IllegalArgumentException(op + ": label smoothing must be in [0, 1], got " + smoothing);
        }
        return new int[] {n, logits.shape()[1]};
    }

    private static void requireFloating(Tensor x, String op) {
        if (!x.dtype().isFloating()) {
            throw new IllegalArgumentException(op + ": needs a float32 or float64 tensor, got " + x.dtype());
        }
    }

    /** A tensor viewed as {@code [outer, cols, inner]} around one axis. */
    private record Rows(long rows, long cols, long inner) {
        static Rows of(int[] shape, int axis) {
            int rank = Math.max(shape.length, 1);
            int a = axis < 0 ? axis + rank : axis;
            if (a < 0 || a >= rank) {
                throw new IllegalArgumentException("softmax axis " + axis + " is out of range for shape " + Shape.str(shape));
            }
            long outer = 1;
            long inner = 1;
            for (int d = 0; d < shape.length; d++) {
                if (d < a) {
                    outer *= shape[d];
                } else if (d > a) {
                    inner *= shape[d];
                }
            }
            long cols = shape.length == 0 ? 1 : shape[a];
            return new Rows(outer * inner, cols, inner);
        }

        LaunchGeometry geometry(CudaContext context) {
            return LaunchGeometry.rows(rows, cols, context.info().multiprocessors());
        }
    }
}
