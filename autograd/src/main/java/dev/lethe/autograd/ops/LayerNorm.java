package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Backend;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.util.Arrays;

/**
 * Layer normalisation over the last {@code normDims} dimensions (Ba et al. 2016) with an
 * optional elementwise affine weight and bias of those dimensions' shape.
 */
public final class LayerNorm extends Function {
    private final int normDims;

    private LayerNorm(int normDims) {
        this.normDims = normDims;
    }

    /** The forward rule; weight and bias may be null. */
    public static Variable apply(Variable x, int normDims, Variable weight, Variable bias, double eps) {
        Tensor xv = x.value();
        String op = "layerNorm";
        Arguments.requireSameDevice(xv, op, Arguments.valueOrNull(weight), Arguments.valueOrNull(bias));
        Arguments.requireFloating(xv, "input", op);
        if (normDims < 1 || normDims > xv.rank()) {
            throw new IllegalArgumentException("layerNorm over the last " + normDims + " dimensions of shape "
                    + Shape.str(xv.shape()) + " is impossible");
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("layerNorm: eps must be > 0, got " + eps);
        }
        int[] normalized = Arrays.copyOfRange(xv.shape(), xv.rank() - normDims, xv.rank());
        Arguments.requireShape(Arguments.valueOrNull(weight), normalized, xv.dtype(), "weight", op);
        Arguments.requireShape(Arguments.valueOrNull(bias), normalized, xv.dtype(), "bias", op);
        Tensor xc = xv.contiguous();
        Tensor w = Arguments.contiguousOrNull(Arguments.valueOrNull(weight));
        Tensor b = Arguments.contiguousOrNull(Arguments.valueOrNull(bias));
        Backend.Normalized n = xv.backend().layerNorm(xc, normDims, w, b, eps);
        LayerNorm fn = new LayerNorm(normDims);
        fn.save(xc, w, n.output(), n.mean(), n.invStd());
        return fn.record(n.output(), x, weight, bias);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor x = saved(0);
        Backend.Normalized forward = new Backend.Normalized(saved(2), saved(3), saved(4));
        Backend.NormGrads grads = x.backend().layerNormBackward(g.contiguous(), x, normDims, saved(1), forward);
        return new Tensor[] {grads.input(), grads.weight(), grads.bias()};
    }
}
