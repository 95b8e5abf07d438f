package dev.lethe.unlearn.salun;

import dev.lethe.data.Dataset;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import dev.lethe.train.Progress;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.UnlearningRequest;
import dev.lethe.unlearn.baseline.FineTuning;
import dev.lethe.unlearn.baseline.FineTuningMethod;
import dev.lethe.unlearn.baseline.FineTuningSettings;
import dev.lethe.unlearn.baseline.GradientMask;
import dev.lethe.unlearn.baseline.RandomLabels;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Saliency unlearning, SalUn (Fan et al., ICLR 2024; UNLEARNING.md, salun): the weight saliency
 * over D_f at the original weights ({@link SaliencyMap}), its top-{@code ratio} mask
 * ({@link SaliencyMask}), then random-label fine-tuning as {@code rl} (each epoch D_f with random
 * other labels, then D_r with true labels) restricted to the selected weights: gradients
 * multiplied by the mask, masked-out weights and their momentum restored after every step, so
 * they stay bit-exactly θ_o ({@link GradientMask}).
 *
 * <p>Keys and defaults: {@code ratio} 0.5; {@code lr} 0.013 (the paper's value for random
 * forgetting), {@code momentum} 0.9, {@code weight_decay} 5e-4, {@code epochs} 10,
 * {@code batch_size} 256 (also the saliency's batches), {@code seed} 0; and the extension
 * {@code retain_fraction} in (0, 1] (default 1): each epoch's retain pass visits a fresh seeded
 * uniform sample of that share of D_r, so that unlearning costs a small fraction of retraining.
 *
 * <p>Whole-class requests (every training sample of some class forgotten) take shorter defaults,
 * chosen by a Fashion-MNIST sweep (MLP, class 7; forget accuracy / test accuracy without the
 * class / passes over D; retrain: 0.00 / 89.70 / 9.0): {@code epochs} 1 and
 * {@code retain_fraction} 0.3 (0.00 / 89.43 / 0.47), against 10 epochs over all of D_r
 * (0.00 / 89.54 / 10.1); 1 epoch at 0.1 gave 0.00 / 88.67 / 0.29, 2 epochs at 0.3
 * 0.00 / 89.49 / 0.84. Random forgetting keeps the paper's 10 full epochs: cut short, it
 * damages the model (1 epoch at 0.1: 29.4 / 22.7 on a random 10%). Given keys always win.
 *
 * <p>Record statistics: the settings, {@code ratio}, {@code retain_fraction},
 * {@code threshold} (the k-th largest saliency), {@code selected} (k) and {@code density} (the
 * share of selected scalars per parameter tensor). Passes count the saliency pass over D_f.
 */
public final class SaliencyUnlearning extends FineTuningMethod {
    /** The method's name. */
    public static final String NAME = "salun";
    /** UNLEARNING.md's values. */
    public static final FineTuningSettings DEFAULTS = new FineTuningSettings(0.013, 0.9, 5e-4, 10, 256, 0);
    /** The default share of parameters the mask selects. */
    public static final double DEFAULT_RATIO = 0.5;

    /** The defaults of whole-class requests (see the class comment). */
    public static final FineTuningSettings CLASS_WISE_DEFAULTS = new FineTuningSettings(0.013, 0.9, 5e-4, 1, 256, 0);
    /** The retain share of whole-class requests (see the class comment). */
    public static final double CLASS_WISE_RETAIN_FRACTION = 0.3;

    private final FineTuningSettings classWiseSettings;
    private final double ratio;
    private final double retainFraction;
    private final double classWiseRetainFraction;

    /** Reads the settings, {@code ratio} and {@code retain_fraction} from {@code h}; any other key is an error. */
    public SaliencyUnlearning(Hyperparameters h) {
        super(NAME, FineTuningSettings.read(h, DEFAULTS));
        this.classWiseSettings = FineTuningSettings.read(h, CLASS_WISE_DEFAULTS);
        this.ratio = h.fraction("ratio", DEFAULT_RATIO);
        this.retainFraction = h.fraction("retain_fraction", 1.0);
        this.classWiseRetainFraction = h.fraction("retain_fraction", CLASS_WISE_RETAIN_FRACTION);
        h.requireAllUsed(NAME);
    }

    /** Whether {@code request} forgets whole classes, which take the shorter defaults (see the class comment). */
    private static boolean wholeClass(UnlearningRequest request) {
        return request.forgottenClasses().length > 0;
    }

    /** The whole-class settings for whole-class requests, else those read for random forgetting. */
    @Override
    protected FineTuningSettings settings(UnlearningRequest request) {
        return wholeClass(request) ? classWiseSettings : super.settings(request);
    }

    /** rl's two passes, with the request's retain share; records {@code ratio} and {@code retain_fraction}. */
    @Override
    protected void configure(FineTuning loop, TrainedModel original, UnlearningRequest request,
                             Map<String, Object> statistics) {
        double retainFraction = wholeClass(request) ? classWiseRetainFraction : this.retainFraction;
        RandomLabels.passes(request, original.spec().numClasses(), retainFraction).forEach(loop::pass);
        statistics.put("ratio", ratio);
        statistics.put("retain_fraction", retainFraction);
    }

    /**
     * The saliency over D_f at the working copy's (still original) weights and its mask first,
     * then the loop restricted to the mask; the saliency pass counts among the samples seen.
     * Records {@code threshold}, {@code selected} and {@code density}.
     */
    @Override
    @SuppressWarnings("try") // the scope frees the saliency and the mask without being named
    protected long run(FineTuning loop, TrainedModel original, TrainedModel model, UnlearningRequest request,
                       Map<String, Object> statistics, Progress progress) {
        Dataset forget = request.forgetData();
        try (MemoryScope scope = MemoryScope.open()) {
            LinkedHashMap<String, Tensor> saliency = SaliencyMap.compute(model.network(), forget,
                    settings(request).batchSize(), progress);
            SaliencyMask mask = SaliencyMask.topK(saliency, ratio);
            long seen = forget.size() + loop.mask(new GradientMask(mask.masks(), original.network()))
                    .run(model.network(), progress);
            statistics.put("threshold", (double) mask.threshold());
            statistics.put("selected", mask.selected());
            statistics.put("density", mask.density());
            return seen;
        }
    }
}
