package dev.lethe.train;

import java.util.Locale;

/**
 * What one epoch did.
 *
 * @param epoch         the epoch, from 0
 * @param steps         optimizer steps taken so far in the whole run
 * @param trainLoss     mean of the epoch's per-step losses
 * @param trainAccuracy fraction of the epoch's training images predicted right (in training mode, as seen by the step)
 * @param learningRate  the rate of the epoch's last step
 * @param test          evaluation on the test data after the epoch, or null when there is none
 * @param seconds       wall time of the epoch's training steps (evaluation excluded)
 * @param imagesPerSecond training images per second
 */
public record EpochReport(int epoch, long steps, double trainLoss, double trainAccuracy, double learningRate,
                          Evaluation test, double seconds, double imagesPerSecond) {

    /** {@code train loss 0.4123 acc 85.10% | test loss 0.4500 acc 84.00% | 12.3 s, 4,800 img/s}. */
    public String summary() {
        return String.format(Locale.ROOT, "train loss %.4f acc %.2f%%%s | %.1f s, %,.0f img/s", trainLoss,
                100 * trainAccuracy, test == null ? "" : String.format(Locale.ROOT, " | test loss %.4f acc %.2f%%",
                        test.loss(), 100 * test.accuracy()),
                seconds, imagesPerSecond);
    }

    /** {@code epoch 3: } and the {@link #summary()}. */
    @Override
    public String toString() {
        return "epoch " + (epoch + 1) + ": " + summary();
    }
}
