package dev.lethe.optim;

/**
 * A learning rate as a function of the optimizer step. {@code step} counts the updates already
 * taken: the rate at step 0 is used for the first update. A trainer sets
 * {@code optimizer.setLearningRate(schedule.learningRate(step))} before every update, so a
 * schedule stated in epochs uses steps = epochs × batches per epoch.
 */
@FunctionalInterface
public interface LrSchedule {

    /** The learning rate for the update that follows {@code step} earlier ones (step &ge; 0). */
    double learningRate(long step);
}
