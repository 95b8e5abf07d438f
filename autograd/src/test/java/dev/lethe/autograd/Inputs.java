package dev.lethe.autograd;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;

/** Small float64 test inputs drawn from fixed seeds. */
final class Inputs {
    static final GradCheck CHECK = GradCheck.standard();

    private Inputs() {
    }

    /** Standard normal float64 values as a leaf that requires a gradient. */
    static Variable param(long seed, int... shape) {
        return Variable.parameter(Tensor.randn(new Philox(seed), DType.FLOAT64, shape));
    }

    /** Standard normal values pushed at least {@code margin} away from 0 (kinks of ReLU, abs). */
    static Variable awayFromZero(long seed, double margin, int... shape) {
        Tensor x = Tensor.randn(new Philox(seed), DType.FLOAT64, shape);
        return Variable.parameter(x.add(x.map(dev.lethe.tensor.UnaryOp.SIGN).mul(margin)));
    }

    /** Uniform values in [lo, lo + 1) (positive inputs of log, sqrt, div). */
    static Variable positive(long seed, double lo, int... shape) {
        return Variable.parameter(Tensor.rand(new Philox(seed), DType.FLOAT64, shape).add(lo));
    }
}
