package dev.lethe.unlearn.baseline;

import dev.lethe.train.Progress;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.Unlearner;
import dev.lethe.unlearn.UnlearningRequest;
import dev.lethe.unlearn.UnlearningResult;
import java.util.LinkedHashMap;

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
public final class L1Sparse implements Unlearner {
    /** The method's name. */
    public static final String NAME = "l1";
    /** The optimizer of ft. */
    public static final FineTuningSettings DEFAULTS = new FineTuningSettings(0.01, 0.9, 5e-4, 10, 128, 0);
    /** The default γ (see the class comment for the sweep). */
    public static final double DEFAULT_GAMMA = 5e-5;

    private final FineTuningSettings settings;
    private final double gamma;

    /** Reads the settings and {@code gamma} from {@code h}; any other key is an error. */
    public L1Sparse(Hyperparameters h) {
        this.settings = FineTuningSettings.read(h, DEFAULTS);
        this.gamma = h.nonNegative("gamma", DEFAULT_GAMMA);
        h.requireAllUsed(NAME);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public UnlearningResult unlearn(TrainedModel original, UnlearningRequest request, Progress progress) {
        UnlearningRun run = new UnlearningRun(original);
        FineTuning loop = new FineTuning(settings).pass(DataPass.descending("retain", request.retainData()))
                .l1(new L1Penalty(gamma, settings.epochs()));
        TrainedModel model = run.workingCopy();
        long seen = loop.run(model.network(), progress);
        LinkedHashMap<String, Object> statistics = settings.statistics();
        statistics.put("gamma", gamma);
        return run.finish(NAME, model, (double) seen / request.data().size(), statistics);
    }
}
