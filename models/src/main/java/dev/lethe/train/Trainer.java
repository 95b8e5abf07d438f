package dev.lethe.train;

import dev.lethe.autograd.Variable;
import dev.lethe.data.Batch;
import dev.lethe.data.DataLoader;
import dev.lethe.data.Dataset;
import dev.lethe.nn.Checkpoint;
import dev.lethe.nn.Dropout;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.optim.GradClip;
import dev.lethe.optim.LrSchedule;
import dev.lethe.optim.Optimizer;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.MalformedFileException;
import dev.lethe.tensor.io.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a classifier with mean cross-entropy: per epoch, shuffled (optionally augmented) batches
 * from a prefetching {@link DataLoader}, one optimizer step per batch with the learning rate the
 * schedule gives for that step, then an evaluation on the test data and, if asked, a checkpoint.
 *
 * <pre>{@code
 * Module model = spec.build(new Philox(seed));
 * try (Optimizer opt = new Sgd(model.parameters(), 0.1, 0.9, true, 5e-4)) {
 *     Trainer trainer = new Trainer(model, spec, opt, new Constant(0.1), TrainOptions.defaults().withSeed(seed));
 *     List<EpochReport> reports = trainer.fit(train, test);
 * }
 * }</pre>
 *
 * <p>Each step: set the learning rate, free the old gradients, forward, loss (a non-finite loss
 * stops training with a {@link NonFiniteLossException} naming the step), backward, optional
 * gradient clipping, update. Activations live in a scope per step, so memory stays flat.
 *
 * <p>Devices: the model computes where its parameters are (move it with
 * {@link Module#to(dev.lethe.tensor.Device)} before making the optimizer); each host batch is
 * copied to that device for its step. Checkpoints are written from the host copies the writer
 * makes, and resuming copies the saved host tensors into the model's and optimizer's storage.
 *
 * <p>Determinism and resuming: data order and augmentation of epoch e depend only on (seed, e);
 * dropout masks come from the trainer's own generator (set on every {@link Dropout} of the
 * model), whose counter is saved. A checkpoint written after an epoch holds the weights and
 * buffers, the optimizer state (tensors under {@code optim.}) and the counters
 * ({@link TrainingState}); {@link #resume(Path)} restores all of it, and training on gives
 * bit-for-bit the weights an uninterrupted run would.
 */
public final class Trainer {
    private final Module model;
    private final ModelSpec spec;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final TrainOptions options;
    private Philox dropoutRng;
    private int epochsDone;
    private long steps;

    /**
     * @param model     the model to train (its parameters are the optimizer's)
     * @param spec      the model's spec, written into checkpoints; may be null when no checkpoint is written
     * @param optimizer the optimizer over the model's parameters
     * @param schedule  the learning rate of every step
     * @param options   epochs, batch size, seed, ...
     */
    public Trainer(Module model, ModelSpec spec, Optimizer optimizer, LrSchedule schedule, TrainOptions options) {
        if (options.checkpoint() != null && spec == null) {
            throw new IllegalArgumentException("writing checkpoints needs the model's spec");
        }
        this.model = model;
        this.spec = spec;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.options = options;
        setDropoutGenerator(new Philox(Seeds.derive(options.seed(), Seeds.DROPOUT)));
    }

    private void setDropoutGenerator(Philox rng) {
        dropoutRng = rng;
        for (Module m : model.namedModules().values()) {
            if (m instanceof Dropout d) {
                d.generator(rng);
            }
        }
    }

    /** Epochs completed so far (including those of a resumed checkpoint). */
    public int epochsDone() {
        return epochsDone;
    }

    /** Optimizer steps taken so far. */
    public long steps() {
        return steps;
    }

    /**
     * Trains from the current epoch up to {@code options.epochs()}, evaluating on {@code test}
     * (may be null) after each epoch; returns the report of every epoch run now. Gradients are
     * freed at the end; the model is left in training mode.
     */
    public List<EpochReport> fit(Dataset train, Dataset test) throws IOException {
        checkData(train, "training");
        if (test != null) {
            checkData(test, "test");
        }
        List<EpochReport> reports = new ArrayList<>();
        DataLoader loader = new DataLoader(train, options.batchSize())
                .shuffled(Seeds.derive(options.seed(), Seeds.DATA)).augmented(options.augment());
        if (options.dropLast()) {
            loader = loader.droppingLast();
        }
        try (DataLoader batches = loader) {
            while (epochsDone < options.epochs()) {
                EpochReport report = runEpoch(batches, test);
                epochsDone++;
                if (options.checkpoint() != null) {
                    writeCheckpoint(options.checkpoint());
                }
                reports.add(report);
                options.onEpoch().accept(report);
            }
        } finally {
            optimizer.zeroGrad();
            model.train();
        }
        return reports;
    }

    private EpochReport runEpoch(DataLoader loader, Dataset test) {
        int e = epochsDone;
        model.train();
        Progress progress = options.progress();
        progress.begin("epoch " + (e + 1) + "/" + options.epochs(), loader.batchesPerEpoch());
        double lossSum = 0;
        long correct = 0;
        long images = 0;
        double lr = optimizer.learningRate();
        long start = System.nanoTime();
        Device device = model.device();
        try (DataLoader.Epoch epoch = loader.epoch(e)) {
            while (epoch.hasNext()) {
                try (Batch b = epoch.next(); MemoryScope scope = MemoryScope.open()) {
                    // The loader makes host batches; the step's scope frees their device copies.
                    Tensor x = b.images().to(device);
                    Tensor y = b.labels().to(device);
                    lr = schedule.learningRate(steps);
                    optimizer.setLearningRate(lr);
                    optimizer.zeroGrad();
                    Variable logits = model.forward(x);
                    Variable loss = logits.crossEntropy(y, 0.0);
                    double value = loss.item();
                    if (!Double.isFinite(value)) {
                        throw new NonFiniteLossException(steps, e, b.number(), value);
                    }
                    loss.backward();
                    if (options.clipNorm() > 0) {
                        GradClip.clipGlobalNorm(optimizer.parameters(), options.clipNorm());
                    }
                    optimizer.step();
                    steps++;
                    lossSum += value;
                    correct += (long) logits.value().argmax(1, false).eq(y).sum().item();
                    images += b.size();
                    progress.advance(b.size(), value);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Evaluation eval = test == null ? null : Evaluation.of(model, test, options.evalBatchSize());
        EpochReport report = new EpochReport(e, steps, lossSum / loader.batchesPerEpoch(), (double) correct / images,
                lr, eval, seconds, images / seconds, HostStorage.liveBytes());
        progress.end(report.summary());
        return report;
    }

    private void checkData(Dataset data, String role) {
        if (spec != null && data.numClasses() > spec.numClasses()) {
            throw new IllegalArgumentException(data.source() + ": the " + role + " data has " + data.numClasses()
                    + " classes, the model predicts " + spec.numClasses());
        }
    }

    /**
     * Writes the model, the optimizer state and the training counters to {@code file},
     * replacing it atomically.
     */
    public void writeCheckpoint(Path file) throws IOException {
        if (spec == null) {
            throw new IllegalStateException("writing a checkpoint needs the model's spec");
        }
        Map<String, Tensor> extras = new LinkedHashMap<>();
        optimizer.state().forEach((k, v) -> extras.put(TrainingState.OPTIMIZER_PREFIX + k, v));
        TrainingState state = new TrainingState(epochsDone, steps, options.seed(), options.batchSize(),
                dropoutRng.counter());
        Checkpoint.write(file, model, spec, state.toMetadata(), extras);
    }

    /**
     * Restores a checkpoint written by {@link #writeCheckpoint}: the weights and buffers into
     * this trainer's model, the optimizer state, the epoch and step counters and the dropout
     * generator. The checkpoint must come from a run with this model spec, seed and batch size
     * (otherwise the continuation could not be exact): a mismatch is an error naming both values,
     * found before anything changes; the weights and the optimizer state are each loaded
     * all-or-nothing.
     */
    public void resume(Path file) throws IOException {
        try (MemoryScope scope = MemoryScope.open()) {
            SafeTensorsFile content = SafeTensorsFile.read(file);
            TrainingState state = TrainingState.fromMetadata(file, content.metadata());
            ModelSpec saved = Checkpoint.spec(file);
            if (spec != null && !saved.equals(spec)) {
                throw new MalformedFileException(file, "holds a " + saved + " model; this run trains " + spec);
            }
            if (state.seed() != options.seed() || state.batchSize() != options.batchSize()) {
                throw new IllegalArgumentException(file + " was written by a run with seed " + state.seed()
                        + " and batch size " + state.batchSize() + "; this run has seed " + options.seed()
                        + " and batch size " + options.batchSize() + ", so it could not continue exactly");
            }
            Map<String, Tensor> weights = new LinkedHashMap<>();
            Map<String, Tensor> optimizerState = new LinkedHashMap<>();
            content.tensors().forEach((name, t) -> {
                if (name.startsWith(TrainingState.OPTIMIZER_PREFIX)) {
                    optimizerState.put(name.substring(TrainingState.OPTIMIZER_PREFIX.length()), t);
                } else {
                    weights.put(name, t);
                }
            });
            model.loadStateDict(weights, true);
            optimizer.loadState(optimizerState);
            Philox rng = new Philox(Seeds.derive(options.seed(), Seeds.DROPOUT));
            rng.advance(state.dropoutCounter());
            setDropoutGenerator(rng);
            epochsDone = state.epochs();
            steps = state.steps();
        }
    }
}
