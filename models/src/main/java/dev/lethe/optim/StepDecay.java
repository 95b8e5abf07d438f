package dev.lethe.optim;

/**
 * {@code torch.optim.lr_scheduler.StepLR}: {@code lr(t) = base · γ^⌊t / stepSize⌋}, computed in
 * closed form (PyTorch multiplies by γ at each boundary, which agrees to rounding).
 *
 * @param base     the rate before the first decay
 * @param stepSize steps between decays (&gt; 0)
 * @param gamma    the factor applied at each boundary (&gt; 0)
 */
public record StepDecay(double base, long stepSize, double gamma) implements LrSchedule {

    /** Checks the arguments. */
    public StepDecay {
        OptimizerChecks.learningRate(base);
        if (stepSize <= 0) {
            throw new IllegalArgumentException("StepDecay stepSize must be > 0, got " + stepSize);
        }
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("StepDecay gamma must be a finite number > 0, got " + gamma);
        }
    }

    @Override
    public double learningRate(long step) {
        Schedules.checkStep(step);
        return base * Math.pow(gamma, step / stepSize);
    }
}
