package dev.lethe.optim;

/**
 * The same learning rate at every step.
 *
 * @param lr the rate (&ge; 0)
 */
public record Constant(double lr) implements LrSchedule {

    /** Checks the rate. */
    public Constant {
        OptimizerChecks.learningRate(lr);
    }

    @Override
    public double learningRate(long step) {
        Schedules.checkStep(step);
        return lr;
    }
}
