package dev.lethe.unlearn.report;

import dev.lethe.unlearn.eval.Scores;
import java.util.ArrayList;
import java.util.List;

/**
 * The result of one scenario (UNLEARNING.md, Scenarios): what was forgotten from which model,
 * how the original model scored, and one table row per method, retrain first.
 *
 * @param scenario   {@code class-wise}, {@code random} or {@code continual}
 * @param model      the architecture (e.g. {@code mlp}, {@code resnet18})
 * @param dataset    the data set (e.g. {@code fashion-mnist})
 * @param forget     the forget set's description (e.g. {@code class:7}; for a continual
 *                   scenario the whole sequence, e.g. {@code 5 × random:0.02})
 * @param classNames the classes' names, index = label, for per-class tables and charts; empty
 *                   to show class numbers
 * @param original   the original model θ_o scored on this scenario's (last) request, or null
 * @param rows       one row per method, retrain first (a retrain row given elsewhere is moved to
 *                   the front); for a continual scenario the rows after the last request
 * @param steps      for a continual scenario the table after each request, in order; empty
 *                   otherwise
 */
public record ScenarioReport(String scenario, String model, String dataset, String forget, List<String> classNames,
                             Scores original, List<MethodRow> rows, List<ContinualStep> steps) {
    /** Puts retrain first and keeps read-only copies of the lists. */
    public ScenarioReport {
        classNames = List.copyOf(classNames);
        rows = retrainFirst(rows);
        steps = List.copyOf(steps);
    }

    /** A single-request scenario (class-wise or random): no continual steps. */
    public static ScenarioReport of(String scenario, String model, String dataset, String forget,
                                    List<String> classNames, Scores original, List<MethodRow> rows) {
        return new ScenarioReport(scenario, model, dataset, forget, classNames, original, rows, List.of());
    }

    /** The name of class {@code c}: its entry in {@link #classNames}, else its number. */
    public String className(int c) {
        return c < classNames.size() ? classNames.get(c) : Integer.toString(c);
    }

    /** The retrain row, or null when the table has none. */
    public MethodRow retrain() {
        return rows.isEmpty() || !rows.get(0).isRetrain() ? null : rows.get(0);
    }

    /** {@code rows} with every retrain row moved to the front, the others in their order (read-only). */
    static List<MethodRow> retrainFirst(List<MethodRow> rows) {
        List<MethodRow> out = new ArrayList<>(rows.size());
        for (MethodRow r : rows) {
            if (r.isRetrain()) {
                out.add(r);
            }
        }
        for (MethodRow r : rows) {
            if (!r.isRetrain()) {
                out.add(r);
            }
        }
        return List.copyOf(out);
    }
}
