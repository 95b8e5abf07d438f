package dev.lethe.train;

import dev.lethe.data.Augment;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Settings of a training run, immutable: each {@code with} method checks its value and returns a
 * changed copy.
 *
 * <pre>{@code
 * TrainOptions.defaults().withEpochs(5).withBatchSize(128).withSeed(1).withAugment(Augment.standard(28, 28))
 * }</pre>
 */
public final class TrainOptions implements Cloneable {
    private int epochs = 10;
    private int batchSize = 128;
    private boolean dropLast;
    private long seed;
    private Augment augment = Augment.NONE;
    private double clipNorm;
    private int evalBatchSize = 512;
    private Path checkpoint;
    private Progress progress = Progress.none();
    private Consumer<EpochReport> onEpoch = r -> { };

    private TrainOptions() {
    }

    /**
     * 10 epochs, batch size 128, last partial batch kept, seed 0, no augmentation, no gradient
     * clipping, evaluation batches of 512, no checkpoint, no progress output.
     */
    public static TrainOptions defaults() {
        return new TrainOptions();
    }

    /** Epochs to train in all (a resumed run continues up to this number). */
    public int epochs() {
        return epochs;
    }

    /** Images per optimizer step. */
    public int batchSize() {
        return batchSize;
    }

    /** Whether each epoch's last partial batch is dropped. */
    public boolean dropLast() {
        return dropLast;
    }

    /** The seed of data order, augmentation and dropout (see {@link Seeds}). */
    public long seed() {
        return seed;
    }

    /** The augmentation of training batches. */
    public Augment augment() {
        return augment;
    }

    /** The global gradient-norm limit; 0 when clipping is off. */
    public double clipNorm() {
        return clipNorm;
    }

    /** Images per evaluation batch. */
    public int evalBatchSize() {
        return evalBatchSize;
    }

    /** The file rewritten after every epoch, or null. */
    public Path checkpoint() {
        return checkpoint;
    }

    /** Where steps are reported. */
    public Progress progress() {
        return progress;
    }

    /** Called after every epoch with its report. */
    public Consumer<EpochReport> onEpoch() {
        return onEpoch;
    }

    /** With {@code epochs} epochs (&ge; 0). */
    public TrainOptions withEpochs(int epochs) {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        TrainOptions o = copy();
        o.epochs = epochs;
        return o;
    }

    /** With batches of {@code batchSize} (&gt; 0). */
    public TrainOptions withBatchSize(int batchSize) {
        positive(batchSize, "batch size");
        TrainOptions o = copy();
        o.batchSize = batchSize;
        return o;
    }

    /**
     * Dropping ({@code true}) or keeping each epoch's last partial batch; dropping it avoids a
     * batch of one image, which BatchNorm cannot train on.
     */
    public TrainOptions withDropLast(boolean dropLast) {
        TrainOptions o = copy();
        o.dropLast = dropLast;
        return o;
    }

    /** With {@code seed}. */
    public TrainOptions withSeed(long seed) {
        TrainOptions o = copy();
        o.seed = seed;
        return o;
    }

    /** With augmentation {@code augment} ({@link Augment#NONE} for none). */
    public TrainOptions withAugment(Augment augment) {
        TrainOptions o = copy();
        o.augment = notNull(augment, "augment");
        return o;
    }

    /** With gradient clipping at global norm {@code clipNorm} (0: off). */
    public TrainOptions withClipNorm(double clipNorm) {
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException("clipNorm must be a finite number >= 0 (0: off), got " + clipNorm);
        }
        TrainOptions o = copy();
        o.clipNorm = clipNorm;
        return o;
    }

    /** With evaluation batches of {@code evalBatchSize} (&gt; 0). */
    public TrainOptions withEvalBatchSize(int evalBatchSize) {
        positive(evalBatchSize, "evaluation batch size");
        TrainOptions o = copy();
        o.evalBatchSize = evalBatchSize;
        return o;
    }

    /** With a checkpoint written atomically to {@code checkpoint} after every epoch (null: none). */
    public TrainOptions withCheckpoint(Path checkpoint) {
        TrainOptions o = copy();
        o.checkpoint = checkpoint;
        return o;
    }

    /** With progress reported to {@code progress}. */
    public TrainOptions withProgress(Progress progress) {
        TrainOptions o = copy();
        o.progress = notNull(progress, "progress");
        return o;
    }

    /** With {@code onEpoch} called after every epoch. */
    public TrainOptions withOnEpoch(Consumer<EpochReport> onEpoch) {
        TrainOptions o = copy();
        o.onEpoch = notNull(onEpoch, "onEpoch");
        return o;
    }

    private TrainOptions copy() {
        try {
            return (TrainOptions) super.clone(); // every field is immutable or shared by design
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    private static void positive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be > 0, got " + value);
        }
    }

    private static <T> T notNull(T value, String what) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        return value;
    }

    @Override
    public String toString() {
        return "TrainOptions(epochs=" + epochs + ", batchSize=" + batchSize + ", dropLast=" + dropLast + ", seed="
                + seed + ", augment=" + augment + ", clipNorm=" + clipNorm + ", evalBatchSize=" + evalBatchSize
                + ", checkpoint=" + checkpoint + ")";
    }
}
