package dev.lethe.unlearn.baseline;

import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.UnlearningRequest;
import java.util.Map;

/**
 * Fine-tuning on the retained data (UNLEARNING.md, ft; the fine-tuning baseline of Warnecke et
 * al. 2021): mean cross-entropy on D_r in training mode, forgetting D_f only
 * through catastrophic forgetting.
 *
 * <p>Keys and defaults ({@link FineTuningSettings}): {@code lr} 0.01, {@code momentum} 0.9,
 * {@code weight_decay} 5e-4, {@code epochs} 10, {@code batch_size} 128, {@code seed} 0.
 */
public final class FineTune extends FineTuningMethod {
    /** The method's name. */
    public static final String NAME = "ft";
    /** UNLEARNING.md's values; the batch size is the one the original recipes train with. */
    public static final FineTuningSettings DEFAULTS = new FineTuningSettings(0.01, 0.9, 5e-4, 10, 128, 0);

    /** Reads the settings from {@code h}; any other key is an error. */
    public FineTune(Hyperparameters h) {
        super(NAME, FineTuningSettings.read(h, DEFAULTS));
        h.requireAllUsed(NAME);
    }

    /** One pass over D_r with the true labels. */
    @Override
    protected void configure(FineTuning loop, TrainedModel original, UnlearningRequest request,
                             Map<String, Object> statistics) {
        loop.pass(DataPass.descending("retain", request.retainData()));
    }
}
