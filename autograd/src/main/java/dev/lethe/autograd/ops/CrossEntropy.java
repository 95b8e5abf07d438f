package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Backend;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * Mean cross-entropy of logits [N, C] against int64 class targets [N] with label smoothing ε
 * (PyTorch's {@code cross_entropy}): loss = mean over n of −((1−ε)·log p[n, tₙ] + ε/C·Σ_c log p[n, c]).
 * Backward: dlogits = dloss/N · (softmax − (1−ε)·onehot − ε/C), by the backend primitive.
 */
public final class CrossEntropy extends Function {
    private final double labelSmoothing;

    private CrossEntropy(double labelSmoothing) {
        this.labelSmoothing = labelSmoothing;
    }

    /** The forward rule; the result has rank 0. */
    public static Variable apply(Variable logits, Tensor targets, double labelSmoothing) {
        Tensor lv = logits.value();
        String op = "crossEntropy";
        Arguments.requireSameDevice(lv, op, targets);
        Arguments.requireRank(lv, 2, "logits", op);
        Arguments.requireFloating(lv, "logits", op);
        if (targets.dtype() != DType.INT64 || targets.rank() != 1 || targets.size(0) != lv.size(0)) {
            throw new IllegalArgumentException("crossEntropy: targets must be int64 of shape [" + lv.size(0)
                    + "] for logits " + Shape.str(lv.shape()) + ", got " + targets.dtype() + " "
                    + Shape.str(targets.shape()));
        }
        if (lv.size(0) == 0) {
            throw new IllegalArgumentException("crossEntropy of an empty batch " + Shape.str(lv.shape()) + " is undefined");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("crossEntropy: label smoothing must lie in [0, 1], got " + labelSmoothing);
        }
        Arguments.requireIndexRange(targets, lv.size(1), op);
        Tensor tc = targets.contiguous();
        Backend.CrossEntropy result = lv.backend().crossEntropy(lv.contiguous(), tc, labelSmoothing);
        Tensor loss = result.loss().rank() == 0 ? result.loss() : result.loss().reshape();
        CrossEntropy fn = new CrossEntropy(labelSmoothing);
        fn.save(result.loss(), result.logProbs(), tc);
        return fn.record(loss, logits);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Backend.CrossEntropy forward = new Backend.CrossEntropy(saved(0), saved(1));
        return new Tensor[] {g.backend().crossEntropyBackward(g.item(), forward, saved(2), labelSmoothing)};
    }
}
