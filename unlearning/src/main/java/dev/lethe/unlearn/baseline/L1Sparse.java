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
 * {@code gamma} (γ &ge; 0) 5e-4, the upper end of the range the paper searches: with the sum
 * (not the mean) over all parameters, each step shrinks every weight by lr·γ_e, about 5e-6
 * here, which over 10 epochs of a Fashion-MNIST D_r amounts to about 0.01 per weight, a
 * sizeable share of a typical MLP weight (~0.03), so larger γ erase what the model knows.
 */
public final class L1Sparse implements Unlearner {
    /** The method's name. */
    public static final String NAME = "l1";
    /** The optimizer of ft. */
    public static final FineTuningSettings DEFAULTS = new FineTuningSettings(0.01, 0.9, 5e-4, 10, 128, 0);
    /** The default γ. */
    public static final double DEFAULT_GAMMA = 5e-4;

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
