package dev.lethe.unlearn.ssd;

import dev.lethe.autograd.Variable;
import dev.lethe.data.Batch;
import dev.lethe.data.DataLoader;
import dev.lethe.data.Dataset;
import dev.lethe.nn.Module;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.UnaryOp;
import dev.lethe.train.Progress;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.InvalidHyperparameterException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The SSD importance (UNLEARNING.md SSD step 2 and variants): eval mode, file order, no
 * augmentation.
 *
 * <p>The parameter importance []_X of Foster, Schoepf and Brintrup, "Fast Machine Unlearning
 * Without Retraining Through Selective Synaptic Dampening" (AAAI 2024), section "Method": the
 * diagonal of the Fisher information, []_X = E[−∂² ln p(X|θ) / ∂θ²], approximated as the
 * official code ({@code ssd.py, calc_importance}) does: over a data set X cut into batches
 * b = 1..B (the last one partial, averaged over its own size),
 * <pre>
 *   I_X = (1/B) Σ_b ( ∇θ mean_{i∈b} CE(f(x_i), y_i) )²        loss = CE, estimator = batch
 *   I_X = (1/B) Σ_b | ∇θ mean_{i∈b} ‖f(x_i)‖₂² |              loss = L2 (LFSSD, label-free; f(x) the logits)
 *   I_X = (1/n) Σ_i ( ∇θ CE(f(x_i), y_i) )²                   estimator = sample (empirical Fisher diagonal)
 * </pre>
 * The first is the square of the gradient of the batch-mean loss, not the per-sample Fisher;
 * the third is the per-sample one, an extension whose result does not depend on the batch size
 * (which then only sets how many samples are loaded at a time).
 *
 * <p>Squares are summed in place into float64 tensors allocated once (see
 * {@link GradientAccumulator}); the result is float32, as importances are written.
 */
public final class ImportanceEstimator {
    /** The default batch size (UNLEARNING.md SSD step 2). */
    public static final int DEFAULT_BATCH_SIZE = 64;

    /** The loss whose gradient is measured ({@code --set loss=ce|l2}). */
    public enum Loss {
        /** Mean cross-entropy against the labels; its gradient is squared (SSD). */
        CE,
        /** Mean squared ℓ2 norm of the logits, no labels; the absolute value of its gradient is taken (LFSSD). */
        L2
    }

    /** How gradients are taken ({@code --set estimator=batch|sample}). */
    public enum Estimator {
        /** One gradient per batch of the batch-mean loss (the paper's code). */
        BATCH,
        /** One gradient per sample, averaged over the n samples (the empirical Fisher diagonal). */
        SAMPLE
    }

    private final Loss loss;
    private final Estimator estimator;
    private final int batchSize;

    /**
     * An estimator of {@code loss} with {@code estimator}, reading {@code batchSize} samples at a
     * time. {@code L2} with {@code SAMPLE} is an {@link InvalidHyperparameterException}
     * (UNLEARNING.md, Conventions: LFSSD is defined on batches only), as is a batch size below 1.
     */
    public ImportanceEstimator(Loss loss, Estimator estimator, int batchSize) {
        this.loss = Objects.requireNonNull(loss, "loss");
        this.estimator = Objects.requireNonNull(estimator, "estimator");
        if (batchSize < 1) {
            throw new InvalidHyperparameterException("batch_size must be >= 1, got " + batchSize);
        }
        if (loss == Loss.L2 && estimator == Estimator.SAMPLE) {
            throw new InvalidHyperparameterException("loss=l2 (LFSSD) is defined on batches only and cannot be "
                    + "combined with estimator=sample; use estimator=batch with loss=l2, or loss=ce with "
                    + "estimator=sample");
        }
        this.batchSize = batchSize;
    }

    /** Reads {@code loss} (ce), {@code estimator} (batch) and {@code batch_size} (64) from {@code h} (does not call requireAllUsed). */
    public static ImportanceEstimator from(Hyperparameters h) {
        Loss loss = Loss.valueOf(h.choice("loss", "ce", "ce", "l2").toUpperCase(Locale.ROOT));
        Estimator estimator = Estimator.valueOf(h.choice("estimator", "batch", "batch", "sample")
                .toUpperCase(Locale.ROOT));
        int batchSize = h.integer("batch_size", DEFAULT_BATCH_SIZE, 1);
        return new ImportanceEstimator(loss, estimator, batchSize);
    }

    /** The loss measured. */
    public Loss loss() {
        return loss;
    }

    /** How gradients are taken. */
    public Estimator estimator() {
        return estimator;
    }

    /** Samples read at a time. */
    public int batchSize() {
        return batchSize;
    }

    /**
     * One importance tensor per trainable parameter, float32, same shape, by parameter name in
     * namedParameters() order. Runs the model in eval mode and restores its mode; tensors belong
     * to the caller's MemoryScope.
     *
     * <p>Every parameter is scored, frozen ones included (their gradient is switched on for the
     * pass and off again). The model's weights and buffers are not changed; any gradients it
     * held are freed.
     *
     * @param data     X, read in file order without augmentation
     * @param progress told of each batch
     */
    public LinkedHashMap<String, Tensor> estimate(Module model, Dataset data, Progress progress) {
        LinkedHashMap<String, Variable> parameters = model.namedParameters();
        boolean wasTraining = model.isTraining();
        Map<Variable, Boolean> wasRequired = new LinkedHashMap<>();
        parameters.values().forEach(p -> wasRequired.put(p, p.requiresGrad()));
        MemoryScope caller = MemoryScope.current();
        try (MemoryScope work = MemoryScope.open()) {
            model.eval();
            model.zeroGrad();
            parameters.values().forEach(p -> p.requiresGrad(true));
            GradientAccumulator sums = new GradientAccumulator(parameters,
                    loss == Loss.L2 ? UnaryOp.ABS : UnaryOp.SQUARE);
            long divisor = estimator == Estimator.BATCH ? batchPass(model, data, sums, progress)
                    : samplePass(model, data, sums, progress);
            LinkedHashMap<String, Tensor> importances = sums.averages(divisor);
            if (caller != null) {
                importances.values().forEach(work::keep);
            } else {
                importances.values().forEach(MemoryScope::detach);
            }
            return importances;
        } finally {
            model.zeroGrad();
            wasRequired.forEach(Variable::requiresGrad);
            model.train(wasTraining);
        }
    }

    /** One gradient per batch; returns B. */
    @SuppressWarnings("try") // the step's scope frees what it allocates without being named
    private long batchPass(Module model, Dataset data, GradientAccumulator sums, Progress progress) {
        try (DataLoader loader = new DataLoader(data, batchSize); DataLoader.Epoch epoch = loader.epoch(0)) {
            progress.begin(label(data), epoch.batches());
            long start = System.nanoTime();
            while (epoch.hasNext()) {
                try (Batch b = epoch.next(); MemoryScope step = MemoryScope.open()) {
                    double value = backward(model, b.images(), b.labels());
                    sums.add();
                    progress.advance(b.size(), value);
                }
            }
            progress.end(summary(sums.terms(), data.size(), start));
            return sums.terms();
        }
    }

    /** One gradient per sample (batches of one, read {@code batchSize} at a time); returns n. */
    @SuppressWarnings("try") // the step's scope frees what it allocates without being named
    private long samplePass(Module model, Dataset data, GradientAccumulator sums, Progress progress) {
        try (DataLoader loader = new DataLoader(data, batchSize); DataLoader.Epoch epoch = loader.epoch(0)) {
            progress.begin(label(data), epoch.batches());
            long start = System.nanoTime();
            while (epoch.hasNext()) {
                try (Batch b = epoch.next()) {
                    double lossSum = 0;
                    for (int k = 0; k < b.size(); k++) {
                        try (MemoryScope step = MemoryScope.open()) {
                            lossSum += backward(model, b.images().narrow(0, k, 1), b.labels().narrow(0, k, 1));
                            sums.add();
                        }
                    }
                    progress.advance(b.size(), lossSum / b.size());
                }
            }
            progress.end(summary(sums.terms(), data.size(), start));
            return sums.terms();
        }
    }

    /**
     * Forward, the loss of the batch (its mean over the samples), backward; returns the loss. The
     * host batch is copied to the model's device (the caller's step scope frees the copies).
     */
    private double backward(Module model, Tensor images, Tensor labels) {
        Device device = model.device();
        Variable logits = model.forward(images.to(device));
        Variable objective = loss == Loss.CE ? logits.crossEntropy(labels.to(device), 0.0)
                : logits.square().sum(1, false).mean();
        double value = objective.item();
        objective.backward();
        return value;
    }

    private String label(Dataset data) {
        return String.format(Locale.ROOT, "importance (%s, %s) over %,d samples", loss.name().toLowerCase(Locale.ROOT),
                estimator.name().toLowerCase(Locale.ROOT), data.size());
    }

    private static String summary(long terms, int samples, long start) {
        double seconds = (System.nanoTime() - start) / 1e9;
        return String.format(Locale.ROOT, "%,d gradients over %,d samples in %.1f s", terms, samples, seconds);
    }

    @Override
    public String toString() {
        return "ImportanceEstimator(loss=" + loss.name().toLowerCase(Locale.ROOT) + ", estimator="
                + estimator.name().toLowerCase(Locale.ROOT) + ", batch_size=" + batchSize + ")";
    }
}
