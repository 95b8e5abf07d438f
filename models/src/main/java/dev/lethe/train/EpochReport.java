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
 * @param nativeBytes   tensor memory held after the epoch and its evaluation (model, optimizer
 *                      state, data): the same figure epoch after epoch shows a run that does not leak
 */
public record EpochReport(int epoch, long steps, double trainLoss, double trainAccuracy, double learningRate,
                          Evaluation test, double seconds, double imagesPerSecond, long nativeBytes) {

    /** {@code train loss 0.4123 acc 85.10% | test loss 0.4500 acc 84.00% | 12.3 s, 4,800 img/s, 210.3 MB held}. */
    public String summary() {
        return String.format(Locale.ROOT, "train loss %.4f acc %.2f%%%s | %.1f s, %,.0f img/s, %.1f MB held", trainLoss,
                100 * trainAccuracy, test == null ? "" : String.format(Locale.ROOT, " | test loss %.4f acc %.2f%%",
                        test.loss(), 100 * test.accuracy()),
                seconds, imagesPerSecond, nativeBytes / 1e6);
    }

    /** {@code epoch 3: } and the {@link #summary()}. */
    @Override
    public String toString() {
        return "epoch " + (epoch + 1) + ": " + summary();
    }
}
