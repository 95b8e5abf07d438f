package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;

/**
 * Inverted dropout (Srivastava et al. 2014): y = x ⊙ m with m = 0 with probability p, else
 * 1/(1−p), drawn from a Philox stream; dy/dx = m. Identity in evaluation.
 */
public final class Dropout extends Function {
    private Dropout() {
    }

    /** The forward rule; in evaluation (or for p = 0) returns x itself. */
    public static Variable apply(Variable x, double p, boolean training, Philox rng) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("dropout probability must lie in [0, 1], got " + p);
        }
        if (!training || p == 0) {
            return x;
        }
        Tensor xv = x.value();
        Arguments.requireFloating(xv, "input", "dropout");
        Tensor mask;
        if (p == 1) {
            mask = xv.fullLike(0.0, xv.shape()); // everything dropped; 1/(1−p) is undefined
        } else {
            if (rng == null) {
                throw new IllegalArgumentException("dropout in training needs a random generator");
            }
            mask = xv.backend().dropoutMask(xv.shape(), xv.dtype(), p, rng);
        }
        Dropout fn = new Dropout();
        fn.save(mask);
        return fn.record(xv.mul(mask), x);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        return new Tensor[] {g.mul(saved(0))};
    }
}
