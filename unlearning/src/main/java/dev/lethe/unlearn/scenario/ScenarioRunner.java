package dev.lethe.unlearn.scenario;

import dev.lethe.data.Dataset;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.train.Progress;
import dev.lethe.unlearn.ForgetSet;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.Unlearner;
import dev.lethe.unlearn.UnlearningRequest;
import dev.lethe.unlearn.UnlearningResult;
import dev.lethe.unlearn.eval.Measurement;
import dev.lethe.unlearn.eval.Scores;
import dev.lethe.unlearn.report.MethodRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs methods on unlearning requests and measures each result against retraining
 * (UNLEARNING.md, Metrics and Scenarios): {@code retrain} runs first, every method starts from
 * the same original, and each row holds the method's scores, its wall time (RTE), the average
 * gap to retrain's scores and the KL divergence from retrain's predictions on D_f.
 *
 * <p>All methods are created (and their hyper-parameters checked) before anything runs, so a
 * typo fails in a second, not after ten minutes of retraining.
 */
public final class ScenarioRunner {
    private final Dataset test;
    private final int batchSize;
    private final Progress progress;
    private final Consumer<String> status;

    /**
     * @param test      D_t
     * @param batchSize evaluation batch size
     * @param progress  where methods report their epochs
     * @param status    one line per finished step ("ssd: 1.9 s, forget-acc 0.00 ...")
     */
    public ScenarioRunner(Dataset test, int batchSize, Progress progress, Consumer<String> status) {
        this.test = test;
        this.batchSize = batchSize;
        this.progress = progress;
        this.status = status;
    }

    /** The original model's scores on {@code request} (the "before" of per-class charts). */
    public Scores score(TrainedModel model, UnlearningRequest request) {
        try (MemoryScope scope = MemoryScope.open()) {
            return Scores.of(model.classifier(), request, test, batchSize);
        }
    }

    /**
     * Runs {@code retrain} and then every method of {@code methods} (retrain itself is skipped
     * there) on {@code request}, each from {@code original}; returns the rows, retrain first.
     * The original is not modified.
     */
    public List<MethodRow> run(TrainedModel original, UnlearningRequest request, List<MethodChoice> methods)
            throws IOException {
        List<Unlearner> unlearners = create(methods);
        List<MethodRow> rows = new ArrayList<>();
        Reference retrain = null;
        for (Unlearner u : unlearners) {
            UnlearningResult result = u.unlearn(startingPoint(u, original), request, labelled(progress, u.name()));
            if (retrain == null) {
                retrain = new Reference(result.model(), measure(result, request));
            }
            rows.add(row(result, retrain.model == result.model() ? retrain.measured : measure(result, request),
                    retrain));
            if (retrain.model != result.model() && result.model().network() != original.network()) {
                release(result.model());
            }
        }
        release(retrain.model);
        return rows;
    }

    /**
     * Continual unlearning: the requests in order; each method (and retrain) goes on from its
     * own previous result, and everything is measured after every request against retraining on
     * what remains. Returns one list of rows per request.
     */
    public List<List<MethodRow>> runSequence(TrainedModel original, Dataset train, List<ForgetSet> requests,
                                             List<MethodChoice> methods) throws IOException {
        List<Unlearner> unlearners = create(methods);
        Map<String, TrainedModel> current = new LinkedHashMap<>();
        for (Unlearner u : unlearners) {
            current.put(u.name(), startingPoint(u, original));
        }
        List<List<MethodRow>> steps = new ArrayList<>();
        int[] before = new int[0];
        for (int k = 0; k < requests.size(); k++) {
            ForgetSet next = requests.get(k);
            UnlearningRequest request = UnlearningRequest.following(train, before, next);
            int[] all = concat(before, next.indices());
            UnlearningRequest cumulative = UnlearningRequest.of(train, ForgetSet.of(all, train.size(),
                    "requests 1.." + (k + 1)));
            status.accept(String.format(Locale.ROOT, "request %d/%d: %s", k + 1, requests.size(), next));
            List<MethodRow> rows = new ArrayList<>();
            Reference retrain = null;
            for (Unlearner u : unlearners) {
                // retrain always starts from scratch; the others go on from their previous model
                TrainedModel from = current.get(u.name());
                UnlearningResult result = u.unlearn(from, request, labelled(progress, u.name()));
                if (retrain == null) {
                    retrain = new Reference(result.model(), measure(result, cumulative));
                }
                rows.add(row(result, retrain.model == result.model() ? retrain.measured
                        : measure(result, cumulative), retrain));
                if (from.network() != original.network() && from != result.model()) {
                    release(from);
                }
                current.put(u.name(), result.model());
            }
            steps.add(rows);
            before = all;
        }
        for (TrainedModel m : current.values()) {
            if (m.network() != original.network()) {
                release(m);
            }
        }
        return steps;
    }

    /**
     * What {@code u} starts from: the original with its analytic head for ACU (which unlearns in
     * the head), without it for every other method (which changes the network, so a head fitted
     * on the old backbone would no longer describe it).
     */
    private static TrainedModel startingPoint(Unlearner u, TrainedModel original) {
        return u.name().equals("acu") ? original : original.withAnalytic(null);
    }

    private List<Unlearner> create(List<MethodChoice> methods) {
        List<Unlearner> out = new ArrayList<>();
        out.add(MethodChoice.of("retrain").create());
        for (MethodChoice m : methods) {
            if (!m.name().equals("retrain")) {
                out.add(m.create());
            }
        }
        return out;
    }

    /** Retrain's model and measurement, against which every other row is measured. */
    private record Reference(TrainedModel model, Measurement measured) {
    }

    private Measurement measure(UnlearningResult result, UnlearningRequest request) {
        return Measurement.of(result.model().classifier(), request, test, batchSize);
    }

    private MethodRow row(UnlearningResult result, Measurement measured, Reference retrain) {
        String method = result.record().method();
        Scores scores = measured.scores();
        MethodRow row = new MethodRow(method, scores, result.record().seconds(),
                scores.averageGap(retrain.measured.scores()), measured.klFrom(retrain.measured), result.record());
        status.accept(String.format(Locale.ROOT, "%-8s %6.1f s  forget-acc %6.2f  retain-acc %6.2f  test-acc %6.2f"
                        + "  MIA %6.2f  avg-gap %5.2f", method, result.record().seconds(), scores.forgetAccuracy(),
                scores.retainAccuracy(), scores.testAccuracy(), scores.miaEfficacy(), row.averageGap()));
        return row;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        Arrays.sort(out);
        return out;
    }

    /** {@code progress} with every phase's label prefixed by the method's name. */
    private static Progress labelled(Progress progress, String method) {
        return new Progress() {
            @Override
            public void begin(String label, int steps) {
                progress.begin(method + ": " + label, steps);
            }

            @Override
            public void advance(int images, double loss) {
                progress.advance(images, loss);
            }

            @Override
            public void end(String summary) {
                progress.end(summary);
            }
        };
    }

    /** Frees the native memory of a model nothing refers to any more. */
    private static void release(TrainedModel model) {
        model.release();
    }
}
