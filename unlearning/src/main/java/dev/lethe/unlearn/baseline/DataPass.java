package dev.lethe.unlearn.baseline;

import dev.lethe.data.Dataset;
import dev.lethe.unlearn.ForgetSpec;

/**
 * One pass over a data set in every epoch of {@link FineTuning}: which samples (all of
 * {@code data}, or each epoch a fresh seeded uniform sample of a fraction of it), the labels
 * trained on, and the sign of the loss: +1 descends the mean cross-entropy, −1 ascends it
 * (gradient ascent, UNLEARNING.md ga).
 *
 * @param name     what the pass is, for progress lines ({@code retain}, {@code forget}, ...)
 * @param data     the samples, in the order their indices refer to
 * @param fraction the share of {@code data} each epoch visits, in (0, 1]; below 1, ⌊fraction·n⌋
 *                 (at least 1) samples drawn anew every epoch
 * @param labels   the labels trained on
 * @param lossSign +1 or −1
 */
public record DataPass(String name, Dataset data, double fraction, LabelTransform labels, double lossSign) {

    /** Checks the values. */
    public DataPass {
        if (name == null || data == null || labels == null) {
            throw new IllegalArgumentException("a data pass needs a name, data and a label transform");
        }
        if (data.size() == 0) {
            throw new IllegalArgumentException("the " + name + " pass has no samples (" + data.source() + ")");
        }
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("the " + name + " pass's fraction must be in (0, 1], got " + fraction);
        }
        if (lossSign != 1 && lossSign != -1) {
            throw new IllegalArgumentException("the loss sign must be +1 or -1, got " + lossSign);
        }
    }

    /** Descends the mean cross-entropy of the true labels over all of {@code data}. */
    public static DataPass descending(String name, Dataset data) {
        return new DataPass(name, data, 1, LabelTransform.TRUE, 1);
    }

    /** Ascends the mean cross-entropy of the true labels over all of {@code data} (loss −CE). */
    public static DataPass ascending(String name, Dataset data) {
        return new DataPass(name, data, 1, LabelTransform.TRUE, -1);
    }

    /** This pass training on the labels {@code transform} gives. */
    public DataPass relabelled(LabelTransform transform) {
        return new DataPass(name, data, fraction, transform, lossSign);
    }

    /** This pass visiting a fresh sample of {@code share} of the data each epoch. */
    public DataPass sampled(double share) {
        return new DataPass(name, data, share, labels, lossSign);
    }

    /** Samples visited per epoch. */
    public int samplesPerEpoch() {
        return fraction == 1 ? data.size() : Math.max(1, (int) Math.floor(fraction * data.size()));
    }

    /**
     * The samples of one epoch: {@code data} itself, or {@link #samplesPerEpoch()} distinct
     * indices drawn uniformly ({@link ForgetSpec#randomIndices}, a partial Fisher–Yates shuffle
     * keyed by {@code seed}) in increasing order.
     */
    Dataset samples(long seed) {
        if (fraction == 1) {
            return data;
        }
        int[] chosen = ForgetSpec.randomIndices(data.size(), samplesPerEpoch(), seed);
        return data.subset(chosen, chosen.length + " sampled for the " + name + " pass");
    }
}
