package dev.lethe.unlearn.baseline;

import dev.lethe.data.Dataset;
import dev.lethe.tensor.Philox;

/**
 * The labels one fine-tuning pass trains on: a function of the pass's data and of a generator
 * seeded for that pass and epoch, so a method stays deterministic given its seed.
 */
@FunctionalInterface
public interface LabelTransform {
    /** The true labels. */
    LabelTransform TRUE = (data, rng) -> data.labels();

    /**
     * The label of each sample of {@code data} (indexed like it) for one epoch; {@code rng} is
     * this pass's generator for the epoch, fresh for every call.
     */
    int[] labels(Dataset data, Philox rng);
}
