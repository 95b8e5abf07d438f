package dev.lethe.cuda;

import dev.lethe.tensor.Backend;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.NormRules;
import dev.lethe.tensor.OperandRules;
import dev.lethe.tensor.Tensor;

/**
 * Batch and layer normalisation on the device ({@code norm.cu}), forward and backward, with the
 * CPU backend's semantics: statistics two-pass in double, one block per channel or row; the
 * saved mean and invStd in the input's dtype (batch norm: [C], from the running statistics in
 * evaluation; layer norm: x's shape with the normalised dimensions 1); weight, bias and running
 * statistics optional, read (and the running ones updated) in double. No atomics: the results
 * are the same on every run.
 */
final class DeviceNormalization {
    private final CudaContext context;

    DeviceNormalization(CudaContext context) {
        this.context = context;
    }

    /**
     * Batch norm of x [N, C, ...] per channel; in training with the batch's statistics (biased
     * variance), moving the running ones in place towards the batch mean and unbiased variance.
     */
    Backend.Normalized batchNorm(Tensor x, Tensor weight, Tensor bias, Tensor runningMean, Tensor runningVar,
                                 boolean training, double momentum, double eps) {
        String op = "batchNorm";
        OperandChecks.requireOnDevice(x, "input", op);
        OperandChecks.requireOnDeviceIfPresent(weight, "weight", op);
        OperandChecks.requireOnDeviceIfPresent(bias, "bias", op);
        OperandChecks.requireOnDeviceIfPresent(runningMean, "runningMean", op);
        OperandChecks.requireOnDeviceIfPresent(runningVar, "runningVar", op);
        NormChecks.ChannelLayout l = NormChecks.batchNormInput(x, op);
        NormRules.requirePerChannel(weight, l.c(), "weight", op);
        NormRules.requirePerChannel(bias, l.c(), "bias", op);
        NormRules.requirePerChannel(runningMean, l.c(), "runningMean", op);
        NormRules.requirePerChannel(runningVar, l.c(), "runningVar", op);
        // Without running statistics PyTorch normalises with the batch's even in evaluation.
        boolean batchStats = training || runningMean == null || runningVar == null;
        if (batchStats) {
            NormRules.requireBatchStatistics(l.perChannel(), x, op);
        }
        DType t = x.dtype();
        Tensor y = Tensor.empty(x.backend(), t, x.shape());
        try (DeviceOperand cx = DeviceOperand.contiguous(x, t);
             DeviceOperand gamma = inDouble(weight);
             DeviceOperand beta = inDouble(bias);
             DeviceOperand runMean = inDouble(runningMean);
             DeviceOperand runVar = inDouble(runningVar);
             Tensor stats = Tensor.empty(x.backend(), DType.FLOAT64, 4, l.c())) {
            context.launch("batch_norm_stats_" + DeviceElementwise.suffix(t), perChannel(l), new KernelArgs()
                    .i64(l.n()).i64(l.c()).i64(l.spatial()).i32(batchStats ? 1 : 0).i32(training ? 1 : 0)
                    .f64(momentum).f64(eps).pointer(DeviceElementwise.address(stats)).pointer(address(runMean))
                    .pointer(address(runVar)).pointer(cx.address()).pointer(address(gamma)).pointer(address(beta)));
            context.launch("batch_norm_apply_" + DeviceElementwise.suffix(t), elementwise(y.numel()), new KernelArgs()
                    .i64(y.numel()).i64(l.c()).i64(l.spatial()).pointer(DeviceElementwise.address(y))
                    .pointer(cx.address()).pointer(DeviceElementwise.address(stats)));
            if (training) {
                writeBack(runMean, runningMean);
                writeBack(runVar, runningVar);
            }
            return new Backend.Normalized(y, row(stats, 0, t), row(stats, 1, t));
        }
    }

    /**
     * Training: dx = γ·invStd·(g − mean(g) − x̂·mean(g·x̂)), through the batch statistics;
     * evaluation: dx = γ·invStd·g. dγ = Σ g·x̂ and dβ = Σ g per channel, null without a weight.
     */
    Backend.NormGrads batchNormBackward(Tensor gradOut, Tensor x, Tensor weight, Backend.Normalized forward,
                                        boolean training) {
        String op = "batchNormBackward";
        OperandChecks.requireOnDevice(gradOut, "gradOut", op);
        OperandChecks.requireOnDevice(x, "input", op);
        OperandChecks.requireOnDeviceIfPresent(weight, "weight", op);
        requireForward(forward, op);
        NormChecks.ChannelLayout l = NormChecks.batchNormInput(x, op);
        NormRules.requireLike(gradOut, x, op);
        NormRules.requirePerChannel(weight, l.c(), "weight", op);
        NormRules.requireSavedChannelStats(forward.mean(), forward.invStd(), l.c(), op);
        OperandChecks.requireOnDevice(forward.mean(), "saved mean", op);
        OperandChecks.requireOnDevice(forward.invStd(), "saved invStd", op);
        DType t = x.dtype();
        Tensor gx = Tensor.empty(x.backend(), t, x.shape());
        try (DeviceOperand cg = DeviceOperand.contiguous(gradOut, t);
             DeviceOperand cx = DeviceOperand.contiguous(x, t);
             DeviceOperand gamma = inDouble(weight);
             DeviceOperand mean = inDouble(forward.mean());
             DeviceOperand invStd = inDouble(forward.invStd());
             Tensor coef = Tensor.empty(x.backend(), DType.FLOAT64, 6, l.c())) {
            context.launch("batch_norm_backward_stats_" + DeviceElementwise.suffix(t), perChannel(l), new KernelArgs()
                    .i64(l.n()).i64(l.c()).i64(l.spatial()).i32(training ? 1 : 0)
                    .pointer(DeviceElementwise.address(coef)).pointer(cg.address()).pointer(cx.address())
                    .pointer(mean.address()).pointer(invStd.address()).pointer(address(gamma)));
            context.launch("batch_norm_backward_apply_" + DeviceElementwise.suffix(t), elementwise(gx.numel()),
                    new KernelArgs().i64(gx.numel()).i64(l.c()).i64(l.spatial()).pointer(DeviceElementwise.address(gx))
                            .pointer(cg.address()).pointer(cx.address()).pointer(DeviceElementwise.address(coef)));
            if (weight == null) {
                return new Backend.NormGrads(gx, null, null);
            }
            return new Backend.NormGrads(gx, row(coef, 4, t), row(coef, 5, t));
        }
    }

    /** Layer norm over the last normDims dimensions, one block per row; weight and bias may be null. */
    Backend.Normalized layerNorm(Tensor x, int normDims, Tensor weight, Tensor bias, double eps) {
        String op = "layerNorm";
        OperandChecks.requireOnDevice(x, "input", op);
        OperandChecks.requireOnDeviceIfPresent(weight, "weight", op);
        OperandChecks.requireOnDeviceIfPresent(bias, "bias", op);
        OperandRules.requireFloating(x, "input", op);
        int d = NormRules.rowLength(x, normDims, op);
        NormRules.requireAffine(weight, x, normDims, "weight", op);
        NormRules.requireAffine(bias, x, normDims, "bias", op);
        int rows = NormChecks.rows(x, d);
        DType t = x.dtype();
        int[] statShape = NormRules.statShape(x.shape(), normDims);
        Tensor y = Tensor.empty(x.backend(), t, x.shape());
        Tensor mean = Tensor.empty(x.backend(), t, statShape);
        Tensor invStd = Tensor.empty(x.backend(), t, statShape);
        try (DeviceOperand cx = DeviceOperand.contiguous(x, t);
             DeviceOperand gamma = inDouble(weight);
             DeviceOperand beta = inDouble(bias)) {
            context.launch("layer_norm_" + DeviceElementwise.suffix(t), perRow(rows, d), new KernelArgs()
                    .i64(rows).i64(d).f64(eps).pointer(DeviceElementwise.address(y))
                    .pointer(DeviceElementwise.address(mean)).pointer(DeviceElementwise.address(invStd))
                    .pointer(cx.address()).pointer(address(gamma)).pointer(address(beta)));
        }
        return new Backend.Normalized(y, mean, invStd);
    }

    /**
     * With ĝ = g·γ and x̂ = (x − mean)·invStd per row: dx = invStd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂));
     * dγ = Σ_rows g·x̂ and dβ = Σ_rows g (null without a weight), summed down columns in a fixed order.
     */
    Backend.NormGrads layerNormBackward(Tensor gradOut, Tensor x, int normDims, Tensor weight,
                                        Backend.Normalized forward) {
        String op = "layerNormBackward";
        OperandChecks.requireOnDevice(gradOut, "gradOut", op);
        OperandChecks.requireOnDevice(x, "input", op);
        OperandChecks.requireOnDeviceIfPresent(weight, "weight", op);
        requireForward(forward, op);
        OperandRules.requireFloating(x, "input", op);
        NormRules.requireLike(gradOut, x, op);
        int d = NormRules.rowLength(x, normDims, op);
        NormRules.requireAffine(weight, x, normDims, "weight", op);
        int rows = NormChecks.rows(x, d);
        NormRules.requireSavedRowStat(forward.mean(), rows, "mean", op);
        NormRules.requireSavedRowStat(forward.invStd(), rows, "invStd", op);
        OperandChecks.requireOnDevice(forward.mean(), "saved mean", op);
        OperandChecks.requireOnDevice(forward.invStd(), "saved invStd", op);
        DType t = x.dtype();
        Tensor gx = Tensor.empty(x.backend(), t, x.shape());
        try (DeviceOperand cg = DeviceOperand.contiguous(gradOut, t);
             DeviceOperand cx = DeviceOperand.contiguous(x, t);
             DeviceOperand gamma = inDouble(weight);
             DeviceOperand mean = inDouble(forward.mean());
             DeviceOperand invStd = inDouble(forward.invStd())) {
            context.launch("layer_norm_backward_" + DeviceElementwise.suffix(t), perRow(rows, d), new KernelArgs()
                    .i64(rows).i64(d).pointer(DeviceElementwise.address(gx)).pointer(cg.address())
                    .pointer(cx.address()).pointer(mean.address()).pointer(invStd.address()).pointer(address(gamma)));
            if (weight == null) {
                return new Backend.NormGrads(gx, null, null);
            }
            Tensor dGamma = Tensor.empty(x.backend(), t, weight.shape());
            Tensor dBeta = Tensor.empty(x.backend(), t, weight.shape());
            context.launch("layer_norm_param_grads_" + DeviceElementwise.suffix(t),
                    LaunchGeometry.columnTiles(d, context.info().multiprocessors()), new KernelArgs().i64(rows).i64(d)
                            .pointer(DeviceElementwise.address(dGamma)).pointer(DeviceElementwise.address(dBeta))
                            .pointer(cg.address()).pointer(cx.address()).pointer(mean.address())
                            .pointer(invStd.address()));
            return new Backend.NormGrads(gx, dGamma, dBeta);
        }
    }

    /** An optional parameter as the kernels read it: contiguous float64, or null when absent. */
    private static DeviceOperand inDouble(Tensor p) {
        return p == null ? null : DeviceOperand.contiguous(p, DType.FLOAT64);
    }

    /** The operand's address, 0 (a null pointer, "absent" to the kernels) when there is none. */
    private static long address(DeviceOperand o) {
        return o == null ? 0 : o.address();
    }

    /** Copies updated running statistics back when the kernel updated a converted copy of them. */
    private static void writeBack(DeviceOperand updated, Tensor running) {
        if (updated != null && updated.tensor != running) {
            running.copyFrom_(updated.tensor);
        }
    }

    /** Row {@code r} of a [k, C] double table as a new [C] tensor of dtype t. */
    private static Tensor row(Tensor table, int r, DType t) {
        return Tensor.empty(table.backend(), t, table.size(1)).copyFrom_(table.select(0, r));
    }

    private static void requireForward(Backend.Normalized forward, String op) {
        if (forward == null) {
            throw new IllegalArgumentException(op + ": the forward result must not be null");
        }
    }

    private LaunchGeometry perChannel(NormChecks.ChannelLayout l) {
        return LaunchGeometry.rows(l.c(), l.perChannel(), context.info().multiprocessors());
    }

    private LaunchGeometry perRow(long rows, long d) {
        return LaunchGeometry.rows(rows, d, context.info().multiprocessors());
    }

    private LaunchGeometry elementwise(long n) {
        return LaunchGeometry.elementwise(n, context.info().multiprocessors());
    }
}
