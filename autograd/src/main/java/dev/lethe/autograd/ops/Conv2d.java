package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Conv2dSpec;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;

/**
 * 2-D convolution (cross-correlation, as {@code torch.nn.functional.conv2d}) of x [N, C, H, W]
 * with w [O, C, kh, kw] and an optional bias [O]. Backward: dx and dw come from the backend's
 * backward-data and backward-weight primitives, and db = Σ over N, H', W' of dy.
 */
public final class Conv2d extends Function {
    private final int[] xShape;
    private final int[] wShape;
    private final Conv2dSpec spec;

    private Conv2d(int[] xShape, int[] wShape, Conv2dSpec spec) {
        this.xShape = xShape;
        this.wShape = wShape;
        this.spec = spec;
    }

    /** The forward rule; {@code bias} may be null. */
    public static Variable apply(Variable x, Variable w, Variable bias, Conv2dSpec spec) {
        Tensor xv = x.value();
        Tensor wv = w.value();
        String op = "conv2d";
        Arguments.requireSameDevice(xv, op, wv, Arguments.valueOrNull(bias));
        Arguments.requireRank(xv, 4, "input", op);
        Arguments.requireRank(wv, 4, "weight", op);
        Arguments.requireFloating(xv, "input", op);
        if (wv.dtype() != xv.dtype()) {
            throw new IllegalArgumentException("conv2d: weight is " + wv.dtype() + ", input is " + xv.dtype());
        }
        if (wv.size(1) != xv.size(1)) {
            throw new IllegalArgumentException("conv2d: weight " + Shape.str(wv.shape()) + " expects "
                    + wv.size(1) + " input channels, input " + Shape.str(xv.shape()) + " has " + xv.size(1));
        }
        Arguments.requireShape(Arguments.valueOrNull(bias), new int[] {wv.size(0)}, xv.dtype(), "bias", op);
        Arguments.requireOutput(spec.outH(xv.size(2), wv.size(2)), spec.outW(xv.size(3), wv.size(3)), xv.shape(), op);
        Tensor xc = xv.contiguous();
        Tensor wc = wv.contiguous();
        Tensor out = xv.backend().conv2d(xc, wc, Arguments.contiguousOrNull(Arguments.valueOrNull(bias)), spec);
        Conv2d fn = new Conv2d(xv.shape(), wv.shape(), spec);
        fn.save(xc, wc);
        return fn.record(out, x, w, bias);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor gc = g.contiguous();
        Tensor x = saved(0);
        Tensor w = saved(1);
        return new Tensor[] {
                needsInputGrad(0) ? x.backend().conv2dBackwardData(gc, w, xShape, spec) : null,
                needsInputGrad(1) ? x.backend().conv2dBackwardWeight(gc, x, wShape, spec) : null,
                needsInputGrad(2) ? gc.sum(new int[] {0, 2, 3}, false) : null};
    }
}
