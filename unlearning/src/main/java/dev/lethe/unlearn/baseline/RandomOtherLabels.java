package dev.lethe.unlearn.baseline;

import dev.lethe.data.Dataset;
import dev.lethe.tensor.Philox;

/**
 * Random labelling (UNLEARNING.md, rl): each sample gets a class drawn uniformly from the
 * {@code K − 1} classes other than its own, {@code y' = (y + 1 + r) mod K} with r uniform in
 * [0, K − 1) from the generator. <b>Decision</b> of UNLEARNING.md: y′ ≠ y, as the method is
 * described (relabelling the forget set with wrong classes), where the official code draws from
 * all K classes and so sometimes keeps the true one.
 */
public final class RandomOtherLabels implements LabelTransform {
    private final int numClasses;

    /** Over {@code numClasses} classes (at least 2, or there is no other class to draw). */
    public RandomOtherLabels(int numClasses) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("random labels need at least 2 classes, the model has " + numClasses);
        }
        this.numClasses = numClasses;
    }

    @Override
    public int[] labels(Dataset data, Philox rng) {
        long[] r = new long[data.size()];
        rng.ints(0, numClasses - 1, r);
        int[] out = new int[data.size()];
        for (int i = 0; i < out.length; i++) {
            int y = data.label(i);
            if (y >= numClasses) {
                throw new IllegalArgumentException(data.source() + ": sample " + i + " has label " + y
                        + ", the model has " + numClasses + " classes");
            }
            out[i] = (int) ((y + 1 + r[i]) % numClasses);
        }
        return out;
    }

    @Override
    public String toString() {
        return "random other labels of " + numClasses + " classes";
    }
}
