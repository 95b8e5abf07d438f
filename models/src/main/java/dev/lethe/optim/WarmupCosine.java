package dev.lethe.optim;

/**
 * Linear warm-up from 0, then cosine annealing to a minimum (Loshchilov &amp; Hutter 2017,
 * SGDR eq. 5, one cycle without restarts). With W = {@code warmupSteps}, T = {@code totalSteps}:
 *
 * <pre>
 *   lr(t) = base · t / W                                             for t &lt; W
 *   lr(t) = min + (base − min) · (1 + cos(π · (t − W) / (T − W))) / 2   for W ≤ t &lt; T
 *   lr(t) = min                                                      for t ≥ T
 * </pre>
 *
 * The first update (t = 0) of a warm-up therefore uses rate 0. The cosine part equals
 * {@code CosineAnnealingLR(T_max = T − W, eta_min = min)} started at step W; the whole
 * schedule equals Hugging Face's {@code get_cosine_schedule_with_warmup} when min = 0.
 *
 * @param base        the peak rate, reached at t = W
 * @param warmupSteps W &ge; 0 (0: no warm-up)
 * @param totalSteps  T &gt; W
 * @param min         the final rate, 0 &le; min &le; base
 */
public record WarmupCosine(double base, long warmupSteps, long totalSteps, double min) implements LrSchedule {

    /** Checks the arguments. */
    public WarmupCosine {
        OptimizerChecks.learningRate(base);
        if (warmupSteps < 0 || totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("WarmupCosine needs 0 <= warmupSteps < totalSteps, got warmupSteps "
                    + warmupSteps + ", totalSteps " + totalSteps);
        }
        if (!(min >= 0 && min <= base)) {
            throw new IllegalArgumentException("WarmupCosine min must be in [0, base = " + base + "], got " + min);
        }
    }

    @Override
    public double learningRate(long step) {
        Schedules.checkStep(step);
        if (step < warmupSteps) {
            return base * step / warmupSteps;
        }
        if (step >= totalSteps) {
            return min;
        }
        double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
        return min + (base - min) * (1 + Math.cos(Math.PI * progress)) / 2;
    }
}
