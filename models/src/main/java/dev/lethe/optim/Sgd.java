package dev.lethe.optim;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.FusedUpdates;
import dev.lethe.tensor.Tensor;
import java.util.List;

/**
 * Stochastic gradient descent with momentum, Nesterov momentum and L2 weight decay, exactly as
 * {@code torch.optim.SGD} (dampening 0) updates each parameter p with gradient g:
 *
 * <pre>
 *   d = g + wd·p                      (when wd ≠ 0)
 *   b = d                             (first step)      b = μ·b + d   (later steps)
 *   d = d + μ·b   (Nesterov)          d = b             (otherwise; when μ ≠ 0)
 *   p = p − lr·d
 * </pre>
 *
 * Sutskever et al. 2013, eq. 3–4, in PyTorch's formulation. Arithmetic happens in the
 * parameter's dtype with the scalars rounded to it, as PyTorch does.
 */
public final class Sgd extends PerParameterOptimizer {
    private static final int MOMENTUM_BUFFER = 0;

    private final double momentum;
    private final boolean nesterov;
    private final double weightDecay;

    /**
     * @param params      the parameters to update
     * @param lr          learning rate (&gt; 0)
     * @param momentum    μ in [0, 1); 0 turns momentum off
     * @param nesterov    Nesterov momentum (needs μ &gt; 0)
     * @param weightDecay L2 coefficient added to the gradient (&ge; 0)
     */
    public Sgd(List<Variable> params, double lr, double momentum, boolean nesterov, double weightDecay) {
        super(params, lr, "SGD", ParameterState.Slot.like("momentum_buffer"));
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("SGD momentum must be in [0, 1), got " + momentum);
        }
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("Nesterov momentum needs a momentum > 0");
        }
        OptimizerChecks.weightDecay(weightDecay);
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    /** Plain SGD without momentum or weight decay. */
    public Sgd(List<Variable> params, double lr) {
        this(params, lr, 0.0, false, 0.0);
    }

    @Override
    protected void update(int i, Tensor p, Tensor g) {
        if (p.backend() instanceof FusedUpdates fused && fusedUpdate(fused, i, p, g)) {
            return;
        }
        Tensor d = g;
        if (weightDecay != 0) {
            d = work.copyOf(0, p).mul_(weightDecay).add_(g); // = g + wd·p, the same rounding in either order
        }
        if (momentum != 0) {
            Tensor buf = state.get(MOMENTUM_BUFFER, i);
            if (buf == null) {
                buf = state.create(MOMENTUM_BUFFER, i, d);
            } else {
                buf.mul_(momentum).add_(d);
            }
            d = nesterov ? work.copyOf(1, buf).mul_(momentum).add_(d) : buf;
        }
        // Scale d by −lr in place when it is a work tensor; the gradient and the buffer stay intact.
        Tensor step = d == g || d == state.get(MOMENTUM_BUFFER, i) ? work.copyOf(1, d) : d;
        p.add_(step.mul_(-lr));
    }

    /** The same update in one pass where the backend offers it; false (nothing done) where it does not fit. */
    private boolean fusedUpdate(FusedUpdates fused, int i, Tensor p, Tensor g) {
        Tensor buf = momentum == 0 ? null : state.get(MOMENTUM_BUFFER, i);
        boolean first = momentum != 0 && buf == null;
        if (first) {
            buf = state.zeros(MOMENTUM_BUFFER, i); // the kernel's first step writes buf = d
        }
        if (fused.sgdStep(p, g, buf, first, lr, momentum, nesterov, weightDecay)) {
            return true;
        }
        if (first) {
            state.discard(MOMENTUM_BUFFER, i); // the composed update creates it from d
        }
        return false;
    }

    @Override
    public String toString() {
        return "SGD(lr=" + lr + ", momentum=" + momentum + ", nesterov=" + nesterov + ", weight_decay="
                + weightDecay + ")";
    }
}
