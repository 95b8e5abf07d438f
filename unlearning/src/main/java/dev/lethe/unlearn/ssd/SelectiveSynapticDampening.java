package dev.lethe.unlearn.ssd;

import dev.lethe.data.Dataset;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import dev.lethe.train.Progress;
import dev.lethe.unlearn.Histogram;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.Unlearner;
import dev.lethe.unlearn.UnlearningRecord;
import dev.lethe.unlearn.UnlearningRequest;
import dev.lethe.unlearn.UnlearningResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SSD, Selective Synaptic Dampening (Foster, Schoepf and Brintrup, "Fast Machine Unlearning
 * Without Retraining Through Selective Synaptic Dampening", AAAI 2024; UNLEARNING.md "ssd"):
 * no training, no optimizer step. On a copy of the original, in eval mode,
 * <ol>
 * <li>the importances I_D over the whole training set D in file order and I_f over the forget
 * set D_f in index order ({@link ImportanceEstimator}: the paper's Fisher-diagonal importance
 * []_X, as the square of the batch-mean gradient averaged over the batches), both measured on
 * the original weights;</li>
 * <li>the rule θ_i ← min(λ·I_D,i / I_f,i, 1)·θ_i for every scalar with I_f,i &gt; α·I_D,i
 * ({@link SelectiveDampening}).</li>
 * </ol>
 * Hyper-parameters ({@code --set}): {@code alpha} α (10; 5 for a ViT when not given, the
 * paper's settings), {@code lambda} λ (1), {@code batch_size} (64), {@code loss} ce|l2 (l2 is
 * LFSSD, label-free), {@code estimator} batch|sample.
 *
 * <p>The record's statistics, in this order: {@code alpha}, {@code lambda} (the values used),
 * {@code selected} (scalars selected per parameter tensor, a {@code LinkedHashMap<String, Long>}
 * in parameter order), {@code selected_total} (Long), {@code importance_data} and
 * {@code importance_forget} (histograms of log10 I_D and log10 I_f over the scalars with a
 * positive importance, in the same {@value ImportanceHistograms#BINS} bins), {@code dampening}
 * (histogram of the selected scalars' factors, {@value #DAMPENING_BINS} bins over [0, 1]).
 * Passes over data: (|D| + |D_f|) / |D|.
 */
public final class SelectiveSynapticDampening implements Unlearner {
    /** α unless given (the paper's value for ResNet-18). */
    public static final double DEFAULT_ALPHA = 10;
    /** α for a ViT unless given (the paper's value for ViT). */
    public static final double DEFAULT_ALPHA_VIT = 5;
    /** λ unless given. */
    public static final double DEFAULT_LAMBDA = 1;
    /** Bins of the dampening-factor histogram over [0, 1]. */
    public static final int DAMPENING_BINS = 20;

    private final Double givenAlpha;
    private final double lambda;
    private final ImportanceEstimator estimator;

    /**
     * Reads alpha (default 10; 5 when the model's arch is vit and alpha is not given), lambda (1),
     * batch_size (64), loss, estimator; validates (alpha &gt; 0, lambda &gt; 0, batch_size &ge; 1;
     * loss=l2 with estimator=sample is an InvalidHyperparameterException) and calls
     * h.requireAllUsed("ssd").
     */
    public SelectiveSynapticDampening(Hyperparameters h) {
        double alpha = h.positive("alpha", DEFAULT_ALPHA);
        this.givenAlpha = h.has("alpha") ? alpha : null;
        this.lambda = h.positive("lambda", DEFAULT_LAMBDA);
        this.estimator = ImportanceEstimator.from(h);
        h.requireAllUsed(name());
    }

    /** {@code ssd}. */
    @Override
    public String name() {
        return "ssd";
    }

    /** α for a model of {@code spec}: the given one, else 5 for {@code vit} and 10 otherwise. */
    public double alpha(ModelSpec spec) {
        if (givenAlpha != null) {
            return givenAlpha;
        }
        return "vit".equals(spec.arch()) ? DEFAULT_ALPHA_VIT : DEFAULT_ALPHA;
    }

    /** λ. */
    public double lambda() {
        return lambda;
    }

    /** How the importances are measured. */
    public ImportanceEstimator estimator() {
        return estimator;
    }

    /**
     * Dampens a copy of {@code original}; the original is not touched. The result is in eval
     * mode; its buffers (BatchNorm statistics, {@code num_batches_tracked}) and every unselected
     * weight are bit for bit the original's.
     */
    @SuppressWarnings("try") // the scope frees the importances without being named
    @Override
    public UnlearningResult unlearn(TrainedModel original, UnlearningRequest request, Progress progress) {
        long start = System.nanoTime();
        TrainedModel copy = original.copy();
        Module network = copy.network();
        SelectiveDampening rule = new SelectiveDampening(alpha(original.spec()), lambda);
        Map<String, Object> statistics = new LinkedHashMap<>();
        long changed;
        try (MemoryScope scope = MemoryScope.open()) {
            // both importances on the original weights, before anything is dampened; D is what the
            // model still stands for (in a sequence of requests, without the earlier ones)
            Dataset data = request.remainingData();
            LinkedHashMap<String, Tensor> importanceData = estimator.estimate(network, data, progress);
            LinkedHashMap<String, Tensor> importanceForget = estimator.estimate(network, request.forgetData(),
                    progress);
            SelectiveDampening.Outcome outcome = rule.apply(network, importanceData, importanceForget);
            changed = outcome.changed();
            List<Histogram> histograms = ImportanceHistograms.of(importanceData.values(), importanceForget.values());
            statistics.put("alpha", rule.alpha());
            statistics.put("lambda", rule.lambda());
            statistics.put("selected", new LinkedHashMap<>(outcome.selected()));
            statistics.put("selected_total", outcome.selectedTotal());
            statistics.put("importance_data", histograms.get(0));
            statistics.put("importance_forget", histograms.get(1));
            statistics.put("dampening", Histogram.of("dampening factor", outcome.factors(), DAMPENING_BINS, 0, 1));
        }
        network.eval();
        double passes = (double) (request.remainingIndices().length + request.forget().size())
                / request.data().size();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new UnlearningResult(copy, new UnlearningRecord(name(), seconds, passes, changed, statistics));
    }

    @Override
    public String toString() {
        return "ssd(alpha=" + (givenAlpha == null ? "by architecture" : givenAlpha) + ", lambda=" + lambda + ", "
                + estimator + ")";
    }
}
