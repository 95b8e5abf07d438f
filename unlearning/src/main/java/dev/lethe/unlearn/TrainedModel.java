package dev.lethe.unlearn;

import dev.lethe.nn.Checkpoint;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.train.TrainingRecipe;
import dev.lethe.unlearn.analytic.AnalyticHead;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A trained model with what unlearning needs to know about it: its architecture, the recipe and
 * seed it was trained with (so that {@code retrain} can repeat the run on D_r), and the analytic
 * head of ACU when one is attached.
 *
 * @param spec     the architecture and config
 * @param network  the network (its parameters and buffers)
 * @param recipe   how it was trained
 * @param seed     the seed it was trained with
 * @param analytic the attached analytic head, or null
 */
public record TrainedModel(ModelSpec spec, Module network, TrainingRecipe recipe, long seed, AnalyticHead analytic) {
    /** A model without an analytic head. */
    public static TrainedModel of(ModelSpec spec, Module network, TrainingRecipe recipe, long seed) {
        return new TrainedModel(spec, network, recipe, seed, null);
    }

    /**
     * Reads a checkpoint: the model, the recipe and seed from its metadata (the architecture's
     * default recipe and seed 0 when it has none) and its analytic head if it carries one.
     */
    public static TrainedModel read(Path file) throws IOException {
        try (MemoryScope scope = MemoryScope.open()) {
            return of(file, Checkpoint.read(file));
        }
    }

    /**
     * The trained model a checkpoint read from {@code file} holds (see {@link #read}); the
     * analytic head, if any, takes its tensors out of the caller's memory scope.
     */
    public static TrainedModel of(Path file, Checkpoint.Loaded loaded) {
        TrainingRecipe recipe = TrainingRecipe.fromMetadata(loaded.spec().arch(), loaded.metadata());
        long seed = TrainingRecipe.seedFromMetadata(loaded.metadata(), 0);
        AnalyticHead head = AnalyticHead.fromCheckpoint(file, loaded.extras(), loaded.metadata());
        return new TrainedModel(loaded.spec(), loaded.model(), recipe, seed, head);
    }

    /** Writes the model, its recipe and seed, and its analytic head, replacing {@code file} atomically. */
    public void write(Path file) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>(recipe.toMetadata(seed));
        if (analytic != null) {
            metadata.putAll(analytic.metadata());
        }
        Checkpoint.write(file, network, spec, metadata, analytic == null ? Map.of() : analytic.tensors());
    }

    /**
     * A deep copy: a new network holding the same weights and buffers on the same device, and a
     * copy of the head.
     */
    public TrainedModel copy() {
        Module twin = spec.build(new Philox(seed)).to(network.device());
        twin.loadStateDict(network.stateDict());
        twin.train(network.isTraining());
        return new TrainedModel(spec, twin, recipe, seed, analytic == null ? null : analytic.copy());
    }

    /**
     * Frees the native memory of this model's weights, buffers and gradients (and of its
     * analytic head); the model must not be used afterwards. Parameters live outside every
     * memory scope, so a model made and dropped in a loop (a scenario's methods) is released
     * here rather than left to the end of the process.
     */
    public void release() {
        network.zeroGrad();
        for (dev.lethe.tensor.Tensor t : network.stateDict().values()) {
            t.close();
        }
        if (analytic != null) {
            analytic.close();
        }
    }

    /** This model with {@code head} attached (null: detached). */
    public TrainedModel withAnalytic(AnalyticHead head) {
        return new TrainedModel(spec, network, recipe, seed, head);
    }

    /** The function that classifies: the analytic head over the frozen backbone when attached, else the network. */
    public Module classifier() {
        return analytic == null ? network : analytic.classifier(network, spec);
    }
}
