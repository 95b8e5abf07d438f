package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Batch normalisation of x [N, C, ...] per channel (Ioffe &amp; Szegedy 2015, alg. 1) with an
 * optional affine weight and bias [C]. With batch statistics (training, or no running
 * statistics given, as PyTorch) the input gradient includes the paths through the batch mean
 * and variance; with running statistics it is dy·w/√(var+eps). Running statistics are plain
 * tensors, updated in place by the forward primitive, never differentiated.
 */
public final class BatchNorm extends Function {
    private final boolean batchStats;

    private BatchNorm(boolean batchStats) {
        this.batchStats = batchStats;
    }

    /** The forward rule; weight, bias and the running tensors may be null. */
    public static Variable apply(Variable x, Variable weight, Variable bias, Tensor runningMean, Tensor runningVar,
                                 boolean training, double momentum, double eps) {
        Tensor xv = x.value();
        String op = "batchNorm";
        Arguments.requireSameDevice(xv, op, Arguments.valueOrNull(weight), Arguments.valueOrNull(bias), runningMean,
                runningVar);
        Arguments.requireFloating(xv, "input", op);
        if (xv.rank() < 2) {
            throw new IllegalArgumentException("batchNorm needs an input [N, C, ...], got shape " + Shape.str(xv.shape()));
        }
        int[] channel = {xv.size(1)};
        Arguments.requireShape(Arguments.valueOrNull(weight), channel, xv.dtype(), "weight", op);
        Arguments.requireShape(Arguments.valueOrNull(bias), channel, xv.dtype(), "bias", op);
        Arguments.requireShape(runningMean, channel, xv.dtype(), "running mean", op);
        Arguments.requireShape(runningVar, channel, xv.dtype(), "running variance", op);
        if ((runningMean == null) != (runningVar == null)) {
            throw new IllegalArgumentException("batchNorm: give both running statistics or neither");
        }
        if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("batchNorm: eps " + eps + " must be > 0 and momentum " + momentum
                    + " in [0, 1]");
        }
        boolean batchStats = training || runningMean == null;
        if (batchStats && xv.numel() / Math.max(xv.size(1), 1) <= 1) {
            throw new IllegalArgumentException("batchNorm: expected more than 1 value per channel when training, "
                    + "got input of shape " + Shape.str(xv.shape()));
        }
        Tensor xc = xv.contiguous();
        Tensor w = Arguments.contiguousOrNull(Arguments.valueOrNull(weight));
        Tensor b = Arguments.contiguousOrNull(Arguments.valueOrNull(bias));
        Backend.Normalized n = xv.backend().batchNorm(xc, w, b, runningMean, runningVar, batchStats, momentum, eps);
        BatchNorm fn = new BatchNorm(batchStats);
        fn.save(xc, w, n.output(), n.mean(), n.invStd());
        return fn.record(n.output(), x, weight, bias);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor x = saved(0);
        Backend.Normalized forward = new Backend.Normalized(saved(2), saved(3), saved(4));
        Backend.NormGrads grads = x.backend().batchNormBackward(g.contiguous(), x, saved(1), forward, batchStats);
        return new Tensor[] {grads.input(), grads.weight(), grads.bias()};
    }
}
