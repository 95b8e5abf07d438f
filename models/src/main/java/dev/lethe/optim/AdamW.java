package dev.lethe.optim;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.FusedUpdates;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.UnaryOp;
import java.util.List;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter 2019, Algorithm 2), in the order
 * {@code torch.optim.AdamW} (amsgrad off) updates each parameter p with gradient g at its step t:
 *
 * <pre>
 *   p = p · (1 − lr·wd)
 *   m = β₁·m + (1 − β₁)·g
 *   v = β₂·v + (1 − β₂)·g·g
 *   p = p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 *
 * ε is added outside the square root. The bias corrections and step size are computed in
 * double, then rounded to the parameter's dtype like every other scalar, as PyTorch does.
 */
public final class AdamW extends PerParameterOptimizer {
    private static final int EXP_AVG = 0;
    private static final int EXP_AVG_SQ = 1;
    private static final int STEP = 2;

    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final long[] steps;

    /**
     * @param params      the parameters to update
     * @param lr          learning rate (&ge; 0)
     * @param beta1       first-moment decay β₁ in [0, 1)
     * @param beta2       second-moment decay β₂ in [0, 1)
     * @param eps         ε &gt; 0, added to the denominator
     * @param weightDecay decoupled decay coefficient (&ge; 0)
     */
    public AdamW(List<Variable> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(params, lr, "AdamW", ParameterState.Slot.like("exp_avg"), ParameterState.Slot.like("exp_avg_sq"),
                ParameterState.Slot.counter("step"));
        checkBeta(beta1, "beta1");
        checkBeta(beta2, "beta2");
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("AdamW eps must be a finite number > 0, got " + eps);
        }
        OptimizerChecks.weightDecay(weightDecay);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.steps = new long[this.params.size()];
    }

    /** PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8, weight decay 0.01. */
    public AdamW(List<Variable> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.01);
    }

    private static void checkBeta(double beta, String name) {
        if (!(beta >= 0 && beta < 1)) {
            throw new IllegalArgumentException("AdamW " + name + " must be in [0, 1), got " + beta);
        }
    }

    @Override
    protected void update(int i, Tensor p, Tensor g) {
        Tensor m = state.get(EXP_AVG, i);
        Tensor v = state.get(EXP_AVG_SQ, i);
        Tensor step = state.get(STEP, i);
        if (m == null) {
            m = state.zeros(EXP_AVG, i);
            v = state.zeros(EXP_AVG_SQ, i);
            step = state.zeros(STEP, i);
        }
        long t = ++steps[i];
        step.fill_(t);

        if (p.backend() instanceof FusedUpdates fused
                && fused.adamwStep(p, g, m, v, t, lr, beta1, beta2, eps, weightDecay)) {
            return;
        }
        if (weightDecay != 0) {
            p.mul_(1 - lr * weightDecay);
        }
        m.mul_(beta1).add_(work.copyOf(0, g).mul_(1 - beta1));
        v.mul_(beta2).add_(work.copyOf(0, g).mul_(1 - beta2).mul_(g)); // addcmul: (value·g)·g

        double biasCorrection1 = 1 - Math.pow(beta1, t);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        double stepSize = lr / biasCorrection1;
        Tensor denom = work.copyOf(0, v).map_(UnaryOp.SQRT).div_(p.fullLike(biasCorrection2Sqrt)).add_(eps);
        p.add_(work.copyOf(1, m).mul_(-stepSize).div_(denom)); // addcdiv: (value·m)/denom
    }

    @Override
    public void loadState(Map<String, Tensor> saved) {
        for (int i = 0; i < params.size(); i++) {
            int present = 0;
            for (String slot : List.of("exp_avg", "exp_avg_sq", "step")) {
                present += saved.containsKey(i + "." + slot) ? 1 : 0;
            }
            if (present != 0 && present != 3) {
                throw new IllegalArgumentException("AdamW state of parameter " + i + " is incomplete: it needs "
                        + i + ".exp_avg, " + i + ".exp_avg_sq and " + i + ".step together");
            }
        }
        state.load(saved);
        for (int i = 0; i < params.size(); i++) {
            Tensor step = state.get(STEP, i);
            steps[i] = step == null ? 0 : (long) step.item();
        }
    }

    @Override
    public String toString() {
        return "AdamW(lr=" + lr + ", betas=(" + beta1 + ", " + beta2 + "), eps=" + eps + ", weight_decay="
                + weightDecay + ")";
    }
}
