package dev.lethe.cuda;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.FusedUpdates;
import dev.lethe.tensor.Tensor;
import java.util.Arrays;

/**
 * The fused parameter updates of {@link FusedUpdates} on the device: one launch of
 * {@code optim.cu} or {@code unlearning.cu} per parameter. Scalars are rounded to the
 * parameter's dtype here, on the host, exactly where the composed update rounds them.
 */
final class DeviceUpdates {
    private final CudaContext context;

    DeviceUpdates(CudaContext context) {
        this.context = context;
    }

    boolean sgdStep(Tensor p, Tensor g, Tensor buf, boolean firstStep, double lr, double momentum, boolean nesterov,
                    double weightDecay) {
        if (!fits(p, g) || (momentum != 0 && !fits(p, buf))) {
            return false;
        }
        int flags = (weightDecay != 0 ? 1 : 0) | (momentum != 0 ? 2 : 0) | (nesterov ? 4 : 0) | (firstStep ? 8 : 0);
        KernelArgs args = new KernelArgs().i32(flags).i64(p.numel());
        scalars(args, p.dtype(), -lr, momentum, weightDecay);
        context.launch("sgd_step_" + DeviceElementwise.suffix(p.dtype()), geometry(p.numel()), args
                .pointer(first(p)).pointer(first(g)).pointer(momentum != 0 ? first(buf) : 0L));
        return true;
    }

    boolean adamwStep(Tensor p, Tensor g, Tensor m, Tensor v, long step, double lr, double beta1, double beta2,
                      double eps, double weightDecay) {
        if (!fits(p, g) || !fits(p, m) || !fits(p, v)) {
            return false;
        }
        if (step < 1) {
            throw new IllegalArgumentException("adamwStep: the step count starts at 1, got " + step);
        }
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        KernelArgs args = new KernelArgs().i32(weightDecay != 0 ? 1 : 0).i64(p.numel());
        scalars(args, p.dtype(), 1 - lr * weightDecay, beta1, 1 - beta1, beta2, 1 - beta2, biasCorrection2Sqrt, eps,
                -(lr / biasCorrection1));
        context.launch("adamw_step_" + DeviceElementwise.suffix(p.dtype()), geometry(p.numel()), args
                .pointer(first(p)).pointer(first(g)).pointer(first(m)).pointer(first(v)));
        return true;
    }

    FusedUpdates.Dampened ssdDampen(Tensor theta, Tensor importanceData, Tensor importanceForget, double alpha,
                                    double lambda) {
        String op = "ssdDampen";
        if (!contiguousFloating(theta) || !Arrays.equals(theta.shape(), importanceData.shape())
                || !Arrays.equals(theta.shape(), importanceForget.shape())
                || !importanceData.device().equals(theta.device()) || !importanceForget.device().equals(theta.device())) {
            return null;
        }
        long n = theta.numel();
        try (DeviceOperand data = DeviceOperand.contiguous(importanceData, DType.FLOAT64);
             DeviceOperand forget = DeviceOperand.contiguous(importanceForget, DType.FLOAT64);
             Tensor factor = Tensor.empty(theta.backend(), DType.FLOAT64, theta.numel());
             Tensor counts = Tensor.empty(theta.backend(), DType.INT64, 2).fill_(0)) {
            LaunchChecks.checkWithinStorage(theta, op);
            context.launch("ssd_dampen_" + DeviceElementwise.suffix(theta.dtype()), geometry(n), new KernelArgs()
                    .i64(n).f64(alpha).f64(lambda).pointer(first(theta)).pointer(data.address())
                    .pointer(forget.address()).pointer(DeviceElementwise.address(factor))
                    .pointer(DeviceElementwise.address(counts)));
            long[] c = counts.toLongArray();
            double[] all = factor.toDoubleArray();
            double[] selected = new double[Math.toIntExact(c[0])];
            int at = 0;
            for (double f : all) {
                if (f != -1.0) { // −1 marks a scalar that was not selected; multipliers are ≥ 0 or NaN
                    selected[at++] = f;
                }
            }
            if (at != selected.length) {
                throw new IllegalStateException(op + ": the kernel counted " + c[0] + " selected scalars but marked " + at);
            }
            return new FusedUpdates.Dampened(selected, c[1]);
        }
    }

    /** p and t on this device, contiguous, of one floating dtype and one shape: what one pass over flat arrays needs. */
    private static boolean fits(Tensor p, Tensor t) {
        return t != null && contiguousFloating(p) && t.isContiguous() && t.dtype() == p.dtype()
                && t.device().equals(p.device()) && Arrays.equals(t.shape(), p.shape());
    }

    private static boolean contiguousFloating(Tensor t) {
        return t.dtype().isFloating() && t.isContiguous() && t.storage() instanceof DeviceStorage;
    }

    /** Appends the scalars rounded to the parameter's dtype, as the composed update's scalar tensors hold them. */
    private static void scalars(KernelArgs args, DType type, double... values) {
        for (double v : values) {
            if (type == DType.FLOAT32) {
                args.f32((float) v);
            } else {
                args.f64(v);
            }
        }
    }

    /** The device address of a tensor's first element, after checking the view lies in its storage. */
    private static long first(Tensor t) {
        LaunchChecks.checkWithinStorage(t, "fused update");
        return DeviceElementwise.address(t) + (long) t.offset() * t.dtype().byteSize();
    }

    private LaunchGeometry geometry(long n) {
        return LaunchGeometry.elementwise(n, context.info().multiprocessors());
    }
}
