package dev.lethe.unlearn.report;

import dev.lethe.unlearn.UnlearningRecord;
import dev.lethe.unlearn.eval.Scores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The mean of the same scenario run with several seeds: every number of every row (scores,
 * per-class accuracies, RTE, average gap, KL, passes) averaged over the runs, row by row. The
 * method statistics (histograms, mask densities) are those of the first run: they describe one
 * model and do not average. The runs must list the same methods in the same order.
 */
public final class SeedAverage {
    private SeedAverage() {
    }

    /** The mean report of {@code runs} (at least one), its forget description noting the seeds. */
    public static ScenarioReport of(List<ScenarioReport> runs, List<Long> seeds) {
        if (runs.isEmpty() || runs.size() != seeds.size()) {
            throw new IllegalArgumentException("need one seed per run and at least one run, got " + runs.size()
                    + " runs and " + seeds.size() + " seeds");
        }
        ScenarioReport first = runs.get(0);
        List<MethodRow> rows = meanRows(runs.stream().map(ScenarioReport::rows).toList());
        List<ContinualStep> steps = new ArrayList<>();
        for (int s = 0; s < first.steps().size(); s++) {
            int k = s;
            ContinualStep step = first.steps().get(k);
            steps.add(new ContinualStep(step.number(), step.forget(),
                    meanRows(runs.stream().map(r -> r.steps().get(k).rows()).toList())));
        }
        Scores original = first.original() == null ? null
                : meanScores(runs.stream().map(ScenarioReport::original).toList());
        return new ScenarioReport(first.scenario(), first.model(), first.dataset(),
                first.forget() + ", mean of seeds " + seeds, first.classNames(), original, rows, steps);
    }

    private static List<MethodRow> meanRows(List<List<MethodRow>> runs) {
        List<MethodRow> first = runs.get(0);
        List<MethodRow> out = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            int k = i;
            String method = first.get(k).method();
            List<MethodRow> same = new ArrayList<>();
            for (List<MethodRow> rows : runs) {
                if (rows.size() != first.size() || !rows.get(k).method().equals(method)) {
                    throw new IllegalArgumentException("runs to average must list the same methods in the same order");
                }
                same.add(rows.get(k));
            }
            UnlearningRecord r0 = first.get(k).record();
            UnlearningRecord record = r0 == null ? null : new UnlearningRecord(r0.method(),
                    mean(same, r -> r.record().seconds()), mean(same, r -> r.record().passes()),
                    Math.round(mean(same, r -> r.record().parametersChanged())), statistics(r0, runs.size()));
            out.add(new MethodRow(method, meanScores(same.stream().map(MethodRow::scores).toList()),
                    mean(same, MethodRow::rteSeconds), mean(same, MethodRow::averageGap),
                    mean(same, MethodRow::klToRetrain), record));
        }
        return out;
    }

    private static Map<String, Object> statistics(UnlearningRecord r0, int runs) {
        Map<String, Object> s = new LinkedHashMap<>(r0.statistics());
        s.put("statistics_of", "the first of " + runs + " seeds");
        return s;
    }

    private static Scores meanScores(List<Scores> all) {
        int classes = all.get(0).perClassTestAccuracy().length;
        double[] perClass = new double[classes];
        for (int c = 0; c < classes; c++) {
            int k = c;
            perClass[c] = all.stream().mapToDouble(s -> s.perClassTestAccuracy()[k]).average().orElse(Double.NaN);
        }
        return new Scores(meanOf(all, Scores::forgetAccuracy), meanOf(all, Scores::retainAccuracy),
                meanOf(all, Scores::testAccuracy), meanOf(all, Scores::forgottenClassTestAccuracy),
                meanOf(all, Scores::miaEfficacy), perClass);
    }

    private static double mean(List<MethodRow> rows, ToDoubleFunction<MethodRow> f) {
        return rows.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    private static double meanOf(List<Scores> all, ToDoubleFunction<Scores> f) {
        return all.stream().mapToDouble(f).average().orElse(Double.NaN);
    }
}
