package dev.lethe.unlearn.baseline;

import dev.lethe.data.Dataset;
import dev.lethe.nn.Module;
import dev.lethe.train.Progress;
import dev.lethe.train.TrainingRecipe;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.Unlearner;
import dev.lethe.unlearn.UnlearningRequest;
import dev.lethe.unlearn.UnlearningResult;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Retraining from scratch, the gold standard (UNLEARNING.md, retrain): a fresh model built from
 * the original's seed, trained with the original's recipe ({@link TrainingRecipe#train}) on D_r
 * only, exactly the run that made the original except for the data.
 *
 * <p>Key: {@code seed} (default: the original's), to retrain from another seed, e.g. to measure
 * how far two retrained models lie apart.
 */
public final class Retrain implements Unlearner {
    /** The method's name. */
    public static final String NAME = "retrain";

    private final Long seed;

    /** Reads {@code seed} from {@code h}; any other key is an error. */
    public Retrain(Hyperparameters h) {
        long given = h.seed("seed", 0);
        this.seed = h.has("seed") ? given : null;
        h.requireAllUsed(NAME);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public UnlearningResult unlearn(TrainedModel original, UnlearningRequest request, Progress progress)
            throws IOException {
        UnlearningRun run = new UnlearningRun(original);
        Dataset retain = request.retainData();
        long s = seed != null ? seed : original.seed();
        TrainingRecipe recipe = original.recipe();
        Module network = recipe.train(original.spec(), retain, s, original.network().device(), progress);
        Map<String, Object> statistics = new LinkedHashMap<>();
        statistics.put("epochs", recipe.epochs());
        statistics.put("lr", recipe.lr());
        statistics.put("batch_size", recipe.batchSize());
        statistics.put("seed", s);
        double passes = (double) recipe.epochs() * retain.size() / request.data().size();
        return run.finish(NAME, TrainedModel.of(original.spec(), network, recipe, s), passes, statistics);
    }
}
