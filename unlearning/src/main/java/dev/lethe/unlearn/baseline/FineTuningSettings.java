package dev.lethe.unlearn.baseline;

import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.InvalidHyperparameterException;
import java.util.LinkedHashMap;

/**
 * The optimizer and data settings every fine-tuning method reads: SGD ({@code torch.optim.SGD},
 * dampening 0, no Nesterov) at a constant learning rate, for a number of epochs, in batches of a
 * size, with the seed of data order, sampling and random labels.
 *
 * <p>The rate is constant because that is what the reference code runs: the official
 * implementations (Jia et al. 2023; Fan et al. 2024) build a {@code MultiStepLR} whose
 * milestones (epochs 91 and 136) lie far beyond the few epochs of unlearning.
 *
 * <p>Keys: {@code lr} (&gt; 0), {@code momentum} ([0, 1)), {@code weight_decay} (&ge; 0),
 * {@code epochs} (&ge; 1), {@code batch_size} (&ge; 1), {@code seed} (any integer).
 *
 * @param lr          the learning rate
 * @param momentum    SGD momentum μ
 * @param weightDecay L2 weight decay added to the gradient
 * @param epochs      epochs E
 * @param batchSize   samples per step
 * @param seed        the seed of every random choice the method makes
 */
public record FineTuningSettings(double lr, double momentum, double weightDecay, int epochs, int batchSize,
                                 long seed) {

    /** Checks the values (the same ranges as {@link #read}, as IllegalArgumentExceptions). */
    public FineTuningSettings {
        if (!(lr > 0) || Double.isInfinite(lr) || !(momentum >= 0 && momentum < 1) || !(weightDecay >= 0)
                || Double.isInfinite(weightDecay) || epochs < 1 || batchSize < 1) {
            throw new IllegalArgumentException("fine-tuning needs lr > 0, momentum in [0, 1), weight_decay >= 0, "
                    + "epochs >= 1 and batch_size >= 1, got lr " + lr + ", momentum " + momentum + ", weight_decay "
                    + weightDecay + ", epochs " + epochs + ", batch_size " + batchSize);
        }
    }

    /**
     * The settings {@code h} gives, each key falling back to its value in {@code defaults};
     * an {@link InvalidHyperparameterException} names a key whose value is out of range.
     */
    public static FineTuningSettings read(Hyperparameters h, FineTuningSettings defaults) {
        double lr = h.positive("lr", defaults.lr);
        double momentum = h.inRange("momentum", defaults.momentum, 0, 1);
        if (momentum == 1) {
            throw new InvalidHyperparameterException("momentum must be in [0, 1), got " + h.values().get("momentum"));
        }
        double weightDecay = h.nonNegative("weight_decay", defaults.weightDecay);
        int epochs = h.integer("epochs", defaults.epochs, 1);
        int batchSize = h.integer("batch_size", defaults.batchSize, 1);
        long seed = h.seed("seed", defaults.seed);
        return new FineTuningSettings(lr, momentum, weightDecay, epochs, batchSize, seed);
    }

    /** The values as a method's record states them: {@code epochs}, {@code lr}, {@code batch_size}, ... */
    public LinkedHashMap<String, Object> statistics() {
        LinkedHashMap<String, Object> s = new LinkedHashMap<>();
        s.put("epochs", epochs);
        s.put("lr", lr);
        s.put("batch_size", batchSize);
        s.put("momentum", momentum);
        s.put("weight_decay", weightDecay);
        s.put("seed", seed);
        return s;
    }
}
