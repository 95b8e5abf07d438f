package dev.lethe.train;

/** Training stopped because the loss of a step was NaN or infinite. */
public final class NonFiniteLossException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long step;
    private final int epoch;
    private final int batch;
    private final double loss;

    /** The loss {@code loss} of optimizer step {@code step}, batch {@code batch} of epoch {@code epoch} (all from 0). */
    public NonFiniteLossException(long step, int epoch, int batch, double loss) {
        super("the loss became " + loss + " at step " + step + " (epoch " + (epoch + 1) + ", batch " + (batch + 1)
                + "); training stopped. A lower learning rate, gradient clipping or a check of the data for "
                + "non-finite values may help.");
        this.step = step;
        this.epoch = epoch;
        this.batch = batch;
        this.loss = loss;
    }

    /** The optimizer step (from 0) whose loss was not finite. */
    public long step() {
        return step;
    }

    /** The epoch, from 0. */
    public int epoch() {
        return epoch;
    }

    /** The batch within the epoch, from 0. */
    public int batch() {
        return batch;
    }

    /** The loss value (NaN or ±infinity). */
    public double loss() {
        return loss;
    }
}
