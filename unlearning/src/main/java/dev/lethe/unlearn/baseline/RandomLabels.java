package dev.lethe.unlearn.baseline;

import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.UnlearningRequest;
import java.util.List;
import java.util.Map;

/**
 * Random labels (UNLEARNING.md, rl; Golatkar et al. 2020): each epoch, one pass over D_f with
 * every label replaced by a class drawn uniformly among the other classes
 * ({@link RandomOtherLabels}, drawn afresh each epoch), then one pass over D_r with the true
 * labels; mean cross-entropy, training mode.
 *
 * <p>Keys and defaults ({@link FineTuningSettings}): {@code lr} 0.01, {@code momentum} 0.9,
 * {@code weight_decay} 5e-4, {@code epochs} 10, {@code batch_size} 128, {@code seed} 0, and the
 * extension {@code retain_fraction} in (0, 1] (default 1): each epoch's retain pass visits a
 * fresh seeded uniform sample of that share of D_r instead of all of it, which makes an epoch
 * cost a fraction of a retraining epoch.
 */
public final class RandomLabels extends FineTuningMethod {
    /** The method's name. */
    public static final String NAME = "rl";
    /** The optimizer of ft (UNLEARNING.md gives rl only its 10 epochs). */
    public static final FineTuningSettings DEFAULTS = new FineTuningSettings(0.01, 0.9, 5e-4, 10, 128, 0);

    private final double retainFraction;

    /** Reads the settings and {@code retain_fraction} from {@code h}; any other key is an error. */
    public RandomLabels(Hyperparameters h) {
        super(NAME, FineTuningSettings.read(h, DEFAULTS));
        this.retainFraction = h.fraction("retain_fraction", 1.0);
        h.requireAllUsed(NAME);
    }

    /**
     * The two passes of an rl epoch: D_f with random other labels of {@code numClasses}
     * classes, then {@code retainFraction} of D_r with true labels.
     */
    public static List<DataPass> passes(UnlearningRequest request, int numClasses, double retainFraction) {
        return List.of(
                DataPass.descending("forget (random labels)", request.forgetData())
                        .relabelled(new RandomOtherLabels(numClasses)),
                DataPass.descending("retain", request.retainData()).sampled(retainFraction));
    }

    /** The two {@link #passes}; records {@code retain_fraction}. */
    @Override
    protected void configure(FineTuning loop, TrainedModel original, UnlearningRequest request,
                             Map<String, Object> statistics) {
        passes(request, original.spec().numClasses(), retainFraction).forEach(loop::pass);
        statistics.put("retain_fraction", retainFraction);
    }
}
