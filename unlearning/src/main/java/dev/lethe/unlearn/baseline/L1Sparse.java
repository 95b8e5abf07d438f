package dev.lethe.unlearn.baseline;

import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.UnlearningRequest;
import java.util.Map;

/**
 * ℓ1-sparse unlearning (UNLEARNING.md, l1; Jia et al. 2023): fine-tuning on D_r with the loss
 * {@code CE + γ_e·‖θ‖₁}, {@code γ_e = γ·(1 − e/E)} ({@link L1Penalty}), SGD with weight decay.
 *
 * <p>Keys and defaults ({@link FineTuningSettings}): {@code lr} 0.01, {@code momentum} 0.9,
 * {@code weight_decay} 5e-4, {@code epochs} 10, {@code batch_size} 128, {@code seed} 0, and
 * {@code gamma} (γ &ge; 0) 5e-5, chosen by a sweep on Fashion-MNIST (the default MLP trained
 * with its recipe, seed 0; l1 at the other defaults), as the γ whose result lies closest to
 * retraining. Forget accuracy / test accuracy on the classes other than 7:
 * <pre>
 *                  class 7 forgotten    random 10% forgotten
 *   retrain          0.0% / 89.7%        90.2% / 88.8%
 *   γ = 0 (= ft)    19.3% / 89.3%
 *   γ = 5e-5         0.6% / 89.3%        91.7% / 88.3%
 *   γ = 5e-4         0.0% / 87.4%        88.2% / 86.6%
 *   γ = 5e-3         0.0% / 83.7%
 * </pre>
 * The penalty is summed, not averaged, over all parameters, so each step pulls every weight
 * towards 0 by lr·γ_e (about lr·γ_e/(1 − momentum) once momentum builds up): larger γ erase
 * what the model knows about D_r as well.
 */
public final class L1Sparse extends FineTuningMethod {
    /** The method's name. */
    public static final String NAME = "l1";
    /** The optimizer of ft. */
    public static final FineTuningSettings DEFAULTS = new FineTuningSettings(0.01, 0.9, 5e-4, 10, 128, 0);
    /** The default γ (see the class comment for the sweep). */
    public static final double DEFAULT_GAMMA = 5e-5;

    private final double gamma;

    /** Reads the settings and {@code gamma} from {@code h}; any other key is an error. */
    public L1Sparse(Hyperparameters h) {
        super(NAME, FineTuningSettings.read(h, DEFAULTS));
        this.gamma = h.nonNegative("gamma", DEFAULT_GAMMA);
        h.requireAllUsed(NAME);
    }

    /** One pass over D_r with the true labels, and the ℓ1 term decaying over the epochs; records γ. */
    @Override
    protected void configure(FineTuning loop, TrainedModel original, UnlearningRequest request,
                             Map<String, Object> statistics) {
        loop.pass(DataPass.descending("retain", request.retainData()))
                .l1(new L1Penalty(gamma, settings(request).epochs()));
        statistics.put("gamma", gamma);
    }
}
