package dev.lethe.tensor;

/**
 * In-place parameter updates that a backend may run as one fused pass over each parameter
 * instead of a dozen elementwise operations (the CUDA backend does; the CPU backend does not
 * need to). A capability, not part of {@link Backend}: a caller asks
 * {@code p.backend() instanceof FusedUpdates} and otherwise composes the same update from
 * tensor operations. An implementation computes exactly the composed update — the same
 * operations in the same order, every scalar rounded to the parameter's dtype first — so the
 * two agree bit for bit.
 *
 * <p>Each method returns {@code false}, touching nothing, when the operands are not what its
 * single pass handles (all on this backend, contiguous, one floating dtype, one shape); the
 * caller then composes the update.
 */
public interface FusedUpdates {

    /**
     * One step of torch.optim.SGD (dampening 0) for parameter {@code p} with gradient {@code g}:
     * {@code d = g + wd·p}; {@code buf = d} on the first step, else {@code μ·buf + d};
     * {@code d = d + μ·buf} (Nesterov) or {@code buf}; {@code p = p + (−lr)·d}. The momentum
     * buffer is null when μ = 0.
     */
    boolean sgdStep(Tensor p, Tensor g, Tensor momentumBuffer, boolean firstStep, double lr, double momentum,
                    boolean nesterov, double weightDecay);

    /**
     * One step {@code t ≥ 1} of torch.optim.AdamW (amsgrad off) for parameter {@code p}:
     * {@code p = p·(1 − lr·wd)}; {@code m = β₁·m + (1−β₁)·g}; {@code v = β₂·v + ((1−β₂)·g)·g};
     * {@code p = p + (m·(−lr/(1−β₁ᵗ))) / (√v / √(1−β₂ᵗ) + ε)}.
     */
    boolean adamwStep(Tensor p, Tensor g, Tensor expAvg, Tensor expAvgSq, long step, double lr, double beta1,
                      double beta2, double eps, double weightDecay);

    /**
     * Selective synaptic dampening of one parameter (Foster et al., AAAI 2024, eq. 3–4), computed
     * in double from the values read: θ_i becomes {@code min(λ·I_D,i / I_f,i, 1)·θ_i}, rounded to
     * θ's dtype, wherever {@code I_f,i > α·I_D,i}. Null, touching nothing, when the operands do
     * not fit.
     */
    Dampened ssdDampen(Tensor theta, Tensor importanceData, Tensor importanceForget, double alpha, double lambda);

    /**
     * What {@link #ssdDampen} did.
     *
     * @param factors the multiplier of each selected scalar, in flat index order
     * @param changed selected scalars whose value differs from before ({@link Double#compare})
     */
    record Dampened(double[] factors, long changed) {
        /** Keeps its own copy of the factors. */
        public Dampened {
            factors = factors.clone();
        }

        /** A copy of the factors. */
        @Override
        public double[] factors() {
            return factors.clone();
        }
    }
}
