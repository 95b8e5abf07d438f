package dev.lethe.unlearn.baseline;

import dev.lethe.train.Progress;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.Unlearner;
import dev.lethe.unlearn.UnlearningRequest;
import dev.lethe.unlearn.UnlearningResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A gradient-based unlearning method (UNLEARNING.md ft, ga, rl, l1, salun): one call starts an
 * {@link UnlearningRun}, configures a {@link FineTuning} loop, runs it on the working copy and
 * closes the record with the passes over data (samples seen / |D|) and the statistics (the
 * settings', then the method's own). A method states only what sets it apart: its data passes
 * and extras ({@link #configure}) and, where it prepares the loop from the working copy, how it
 * runs ({@link #run}).
 */
public abstract class FineTuningMethod implements Unlearner {
    private final String name;
    private final FineTuningSettings settings;

    /** A method called {@code name} whose loop runs with {@code settings}. */
    protected FineTuningMethod(String name, FineTuningSettings settings) {
        this.name = name;
        this.settings = settings;
    }

    @Override
    public final String name() {
        return name;
    }

    /** The settings of the loop for {@code request}: by default those given on construction. */
    protected FineTuningSettings settings(UnlearningRequest request) {
        return settings;
    }

    /**
     * Adds the method's data passes and extras (an ℓ1 term) to {@code loop}, and its own values to
     * {@code statistics}, which already hold the settings'. Runs before the working copy is made,
     * so a request the method cannot serve fails without copying the model.
     */
    protected abstract void configure(FineTuning loop, TrainedModel original, UnlearningRequest request,
                                      Map<String, Object> statistics);

    /**
     * Runs {@code loop} on {@code model}, the working copy, and returns the samples seen. A method
     * that prepares the loop from the working copy first (SalUn's saliency mask) overrides this,
     * counting the samples its preparation visits too.
     */
    protected long run(FineTuning loop, TrainedModel original, TrainedModel model, UnlearningRequest request,
                       Map<String, Object> statistics, Progress progress) {
        return loop.run(model.network(), progress);
    }

    @Override
    public final UnlearningResult unlearn(TrainedModel original, UnlearningRequest request, Progress progress) {
        UnlearningRun run = new UnlearningRun(original);
        FineTuningSettings chosen = settings(request);
        FineTuning loop = new FineTuning(chosen);
        LinkedHashMap<String, Object> statistics = chosen.statistics();
        configure(loop, original, request, statistics);
        TrainedModel model = run.workingCopy();
        long seen = run(loop, original, model, request, statistics, progress);
        return run.finish(name, model, (double) seen / request.data().size(), statistics);
    }
}
