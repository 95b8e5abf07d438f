package dev.lethe.unlearn.baseline;

import dev.lethe.autograd.Variable;
import dev.lethe.data.Batch;
import dev.lethe.data.DataLoader;
import dev.lethe.data.Dataset;
import dev.lethe.nn.Dropout;
import dev.lethe.nn.Module;
import dev.lethe.optim.Optimizer;
import dev.lethe.optim.Sgd;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.train.NonFiniteLossException;
import dev.lethe.train.Progress;
import dev.lethe.train.Seeds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

/**
 * The fine-tuning loop every gradient-based unlearning method runs (UNLEARNING.md ft, ga, rl,
 * l1, salun); the methods differ only in what they configure here: the data passes of an epoch
 * (which samples, which labels, the sign of the loss), an ℓ1 term and a gradient mask.
 *
 * <p>Each epoch runs its passes in the order added; each pass visits its samples in a fresh
 * shuffled order in batches (the last, partial batch kept). Each step, in training mode:
 * forward, {@code ±mean CE} against the pass's labels, backward, then (when configured) the ℓ1
 * subgradient is added and the gradient masked, an SGD step, and the masked-out weights
 * restored.
 *
 * <p>Determinism: everything random is a pure function of the settings' seed, the pass's
 * position p and the epoch e, each drawn from its own {@link Philox} key
 * ({@link Seeds#derive}): the order from stream 16 + p, the epoch's sample of a partial pass
 * from stream 32 + p, its labels from stream 48 + p; dropout masks come from
 * {@link Seeds#DROPOUT} as in training.
 */
public final class FineTuning {
    private static final long ORDER_STREAM = 16;
    private static final long SAMPLE_STREAM = 32;
    private static final long LABEL_STREAM = 48;

    private final FineTuningSettings settings;
    private final List<DataPass> passes = new ArrayList<>();
    private L1Penalty l1;
    private GradientMask mask;

    /** A loop with {@code settings} and, so far, no passes. */
    public FineTuning(FineTuningSettings settings) {
        this.settings = settings;
    }

    /** Adds a pass to every epoch, after those added before; returns this. */
    public FineTuning pass(DataPass pass) {
        passes.add(pass);
        return this;
    }

    /** Adds the ℓ1 term to the loss; returns this. */
    public FineTuning l1(L1Penalty penalty) {
        this.l1 = penalty;
        return this;
    }

    /** Restricts the updates to the parameters {@code gradientMask} selects; returns this. */
    public FineTuning mask(GradientMask gradientMask) {
        this.mask = gradientMask;
        return this;
    }

    /**
     * Fine-tunes {@code model} in place for the settings' epochs, reporting each epoch to
     * {@code progress} ({@code begin}, one {@code advance} per step with the step's ±CE, without
     * the ℓ1 term, and {@code end} with each pass's mean); returns the number of samples it
     * trained on. The model is left in evaluation mode without gradients.
     */
    @SuppressWarnings("try") // each step's scope frees what the step allocates without being named
    public long run(Module model, Progress progress) {
        if (passes.isEmpty()) {
            throw new IllegalStateException("fine-tuning needs at least one data pass");
        }
        LinkedHashMap<String, Variable> named = model.namedParameters();
        List<Variable> params = new ArrayList<>(named.values());
        for (Module m : model.namedModules().values()) {
            if (m instanceof Dropout d) {
                d.generator(new Philox(Seeds.derive(settings.seed(), Seeds.DROPOUT)));
            }
        }
        long seen = 0;
        long steps = 0;
        try (Optimizer optimizer = new Sgd(params, settings.lr(), settings.momentum(), false,
                settings.weightDecay())) {
            model.train();
            for (int e = 0; e < settings.epochs(); e++) {
                long start = System.nanoTime();
                int batches = 0;
                for (DataPass pass : passes) {
                    batches += (pass.samplesPerEpoch() + settings.batchSize() - 1) / settings.batchSize();
                }
                progress.begin("epoch " + (e + 1) + "/" + settings.epochs(), batches);
                StringBuilder summary = new StringBuilder();
                for (int p = 0; p < passes.size(); p++) {
                    DataPass pass = passes.get(p);
                    Dataset data = pass.samples(Seeds.derive(Seeds.derive(settings.seed(), SAMPLE_STREAM + p), e));
                    int[] labels = pass.labels().labels(data,
                            new Philox(Seeds.derive(Seeds.derive(settings.seed(), LABEL_STREAM + p), e)));
                    double lossSum = 0;
                    int passBatches = 0;
                    try (DataLoader loader = new DataLoader(data, settings.batchSize())
                            .shuffled(Seeds.derive(settings.seed(), ORDER_STREAM + p));
                         DataLoader.Epoch epoch = loader.epoch(e)) {
                        while (epoch.hasNext()) {
                            try (Batch b = epoch.next(); MemoryScope scope = MemoryScope.open()) {
                                double loss = step(model, named, optimizer, b, labels, pass.lossSign(), e);
                                if (!Double.isFinite(loss)) {
                                    throw new NonFiniteLossException(steps, e, b.number(), loss);
                                }
                                steps++;
                                seen += b.size();
                                lossSum += loss;
                                passBatches++;
                                progress.advance(b.size(), loss);
                            }
                        }
                    }
                    summary.append(String.format(Locale.ROOT, "%s loss %.4f, ", pass.name(), lossSum / passBatches));
                }
                progress.end(summary + String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - start) / 1e9));
            }
        } finally {
            model.zeroGrad();
            model.eval();
        }
        return seen;
    }

    /** One update on batch {@code b} with the labels {@code labels[b.indices()]}; returns its loss. */
    private double step(Module model, LinkedHashMap<String, Variable> named, Optimizer optimizer, Batch b,
                        int[] labels, double lossSign, int epoch) {
        long[] y = new long[b.size()];
        for (int k = 0; k < y.length; k++) {
            y[k] = labels[b.indices()[k]];
        }
        optimizer.zeroGrad();
        Device device = model.device(); // the host batch and labels go where the model is; the step's scope frees them
        Variable loss = model.forward(b.images().to(device)).crossEntropy(Tensor.of(y, y.length).to(device), 0.0);
        if (lossSign < 0) {
            loss = loss.neg();
        }
        double value = loss.item();
        if (!Double.isFinite(value)) {
            return value;
        }
        loss.backward();
        if (l1 != null) {
            l1.addSubgradient(optimizer.parameters(), epoch);
        }
        if (mask != null) {
            mask.maskGradients(named);
        }
        optimizer.step();
        if (mask != null) {
            mask.restoreMaskedOut(named, optimizer);
        }
        return value;
    }
}
