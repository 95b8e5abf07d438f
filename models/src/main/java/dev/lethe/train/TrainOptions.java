package dev.lethe.train;

import dev.lethe.data.Augment;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Settings of a training run (immutable; each {@code with} method returns a changed copy).
 * Defaults: 10 epochs, batch size 128, seed 0, no augmentation, no gradient clipping,
 * evaluation batches of 512, no checkpoint, no progress output.
 *
 * @param epochs        epochs to train in all (a resumed run continues up to this number)
 * @param batchSize     images per optimizer step (the last partial batch of an epoch is kept)
 * @param seed          the seed of data order, augmentation and dropout (see {@link Seeds})
 * @param augment       augmentation of training batches ({@link Augment#NONE} for none)
 * @param clipNorm      global gradient-norm limit; 0 turns clipping off
 * @param evalBatchSize images per evaluation batch
 * @param checkpoint    file rewritten atomically after every epoch, or null
 * @param progress      where steps are reported
 * @param onEpoch       called after every epoch with its report
 */
public record TrainOptions(int epochs, int batchSize, long seed, Augment augment, double clipNorm, int evalBatchSize,
                           Path checkpoint, Progress progress, Consumer<EpochReport> onEpoch) {

    /** Checks the values. */
    public TrainOptions {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        if (batchSize <= 0 || evalBatchSize <= 0) {
            throw new IllegalArgumentException("batch sizes must be > 0, got " + batchSize + " and " + evalBatchSize);
        }
        if (!(clipNorm >= 0)) {
            throw new IllegalArgumentException("clipNorm must be >= 0 (0: off), got " + clipNorm);
        }
        if (augment == null || progress == null || onEpoch == null) {
            throw new IllegalArgumentException("augment, progress and onEpoch must not be null");
        }
    }

    /** The defaults listed in the class comment. */
    public static TrainOptions defaults() {
        return new TrainOptions(10, 128, 0, Augment.NONE, 0, 512, null, Progress.none(), r -> { });
    }

    /** With {@code epochs} epochs. */
    public TrainOptions withEpochs(int epochs) {
        return new TrainOptions(epochs, batchSize, seed, augment, clipNorm, evalBatchSize, checkpoint, progress, onEpoch);
    }

    /** With batches of {@code batchSize}. */
    public TrainOptions withBatchSize(int batchSize) {
        return new TrainOptions(epochs, batchSize, seed, augment, clipNorm, evalBatchSize, checkpoint, progress, onEpoch);
    }

    /** With {@code seed}. */
    public TrainOptions withSeed(long seed) {
        return new TrainOptions(epochs, batchSize, seed, augment, clipNorm, evalBatchSize, checkpoint, progress, onEpoch);
    }

    /** With augmentation {@code augment}. */
    public TrainOptions withAugment(Augment augment) {
        return new TrainOptions(epochs, batchSize, seed, augment, clipNorm, evalBatchSize, checkpoint, progress, onEpoch);
    }

    /** With gradient clipping at global norm {@code clipNorm} (0: off). */
    public TrainOptions withClipNorm(double clipNorm) {
        return new TrainOptions(epochs, batchSize, seed, augment, clipNorm, evalBatchSize, checkpoint, progress, onEpoch);
    }

    /** With evaluation batches of {@code evalBatchSize}. */
    public TrainOptions withEvalBatchSize(int evalBatchSize) {
        return new TrainOptions(epochs, batchSize, seed, augment, clipNorm, evalBatchSize, checkpoint, progress, onEpoch);
    }

    /** With a checkpoint written to {@code checkpoint} after every epoch (null: none). */
    public TrainOptions withCheckpoint(Path checkpoint) {
        return new TrainOptions(epochs, batchSize, seed, augment, clipNorm, evalBatchSize, checkpoint, progress, onEpoch);
    }

    /** With progress reported to {@code progress}. */
    public TrainOptions withProgress(Progress progress) {
        return new TrainOptions(epochs, batchSize, seed, augment, clipNorm, evalBatchSize, checkpoint, progress, onEpoch);
    }

    /** With {@code onEpoch} called after every epoch. */
    public TrainOptions withOnEpoch(Consumer<EpochReport> onEpoch) {
        return new TrainOptions(epochs, batchSize, seed, augment, clipNorm, evalBatchSize, checkpoint, progress, onEpoch);
    }
}
