package dev.lethe.unlearn;

import java.util.Arrays;

/**
 * The samples to forget: distinct indices into a training set of {@code n} samples, kept in
 * increasing order (UNLEARNING.md: D_f is always taken in increasing index order). It is never
 * empty and never the whole set, since neither is a request anyone can answer.
 */
public final class ForgetSet {
    private final int[] indices;
    private final int datasetSize;
    private final String description;

    private ForgetSet(int[] sorted, int datasetSize, String description) {
        this.indices = sorted;
        this.datasetSize = datasetSize;
        this.description = description;
    }

    /**
     * The set of {@code indices} (any order) into a data set of {@code datasetSize} samples;
     * a {@link BadRequestException} for an index out of range, a duplicate, an empty set or one
     * holding every sample, naming the offending index.
     *
     * @param description how the set was chosen, e.g. {@code class:7}, shown in reports
     */
    public static ForgetSet of(int[] indices, int datasetSize, String description) {
        if (indices.length == 0) {
            throw new BadRequestException("the forget set " + description + " is empty; there is nothing to forget");
        }
        int[] sorted = indices.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 0 || sorted[i] >= datasetSize) {
                throw new BadRequestException("forget index " + sorted[i] + " is out of range: the data set has "
                        + datasetSize + " samples (indices 0.." + (datasetSize - 1) + ")");
            }
            if (i > 0 && sorted[i] == sorted[i - 1]) {
                throw new BadRequestException("forget index " + sorted[i] + " appears more than once");
            }
        }
        if (sorted.length == datasetSize) {
            throw new BadRequestException("the forget set " + description + " holds all " + datasetSize
                    + " training samples; nothing would remain to compare with");
        }
        return new ForgetSet(sorted, datasetSize, description);
    }

    /** The indices in increasing order (a copy). */
    public int[] indices() {
        return indices.clone();
    }

    /** The indices of the samples that remain, D_r, in increasing order. */
    public int[] retainIndices() {
        int[] out = new int[datasetSize - indices.length];
        int j = 0;
        int k = 0;
        for (int i = 0; i < datasetSize; i++) {
            if (j < indices.length && indices[j] == i) {
                j++;
            } else {
                out[k++] = i;
            }
        }
        return out;
    }

    /** Whether sample {@code index} is to be forgotten. */
    public boolean contains(int index) {
        return Arrays.binarySearch(indices, index) >= 0;
    }

    /** |D_f|. */
    public int size() {
        return indices.length;
    }

    /** |D|, the size of the training set the indices point into. */
    public int datasetSize() {
        return datasetSize;
    }

    /** How the set was chosen, e.g. {@code class:7} or {@code random:0.1:0}. */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return description + " (" + indices.length + " of " + datasetSize + " samples)";
    }
}
