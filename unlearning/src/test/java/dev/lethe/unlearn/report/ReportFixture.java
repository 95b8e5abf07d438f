package dev.lethe.unlearn.report;

import dev.lethe.unlearn.Histogram;
import dev.lethe.unlearn.UnlearningRecord;
import dev.lethe.unlearn.eval.Scores;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-made scenario reports for the report tests: known numbers, a NaN, SSD's and SalUn's statistics. */
final class ReportFixture {
    static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover");

    private ReportFixture() {
    }

    static Scores scores(double forget, double retain, double test, double forgottenTest, double mia,
                         double... perClass) {
        return new Scores(forget, retain, test, forgottenTest, mia, perClass);
    }

    /** The rows, deliberately with retrain not first: ssd, retrain, salun, ft (MIA NaN, no record). */
    static List<MethodRow> rows() {
        Scores retrain = scores(0, 96.5, 90.25, 0, 100, 91, 95.5, 0);
        Map<String, Object> ssd = new LinkedHashMap<>();
        ssd.put("selected", 1234L);
        ssd.put("alpha", 10.0);
        ssd.put(ReportCharts.IMPORTANCE_DATA, Histogram.of("log10 I", new double[] {-8, -7.5, -6, -6, -3}, 10,
                -10, 0));
        ssd.put(ReportCharts.IMPORTANCE_FORGET, Histogram.of("log10 I", new double[] {-7, -5, -4, -2}, 10, -10, 0));
        ssd.put(ReportCharts.DAMPENING, Histogram.of("dampening factor", new double[] {0.1, 0.5, 0.5, 0.9}, 20, 0, 1));
        ssd.put("selected_per_tensor", Map.of("fc1.weight", 1000L));
        Map<String, Double> density = new LinkedHashMap<>();
        density.put("fc1.weight", 0.4);
        density.put("fc1.bias", 0.75);
        density.put("head.weight", Double.NaN);
        Map<String, Object> salun = new LinkedHashMap<>();
        salun.put("density", density);
        salun.put("threshold", 1.5e-4);
        return List.of(
                new MethodRow("ssd", scores(1.5, 95.25, 89.75, 3.5, 98.125, 90, 94, 3.5), 0.5, 1.2, 0.0625,
                        new UnlearningRecord("ssd", 0.5, 1.0, 5678, ssd)),
                new MethodRow(MethodRow.RETRAIN, retrain, 41.234, 0, 0,
                        new UnlearningRecord("retrain", 41.234, 9, 269322, Map.of())),
                new MethodRow("salun", scores(10, 93, 88, 12, 80.5, 88, 90, 12), 7.75, 6.3125, 0.5,
                        new UnlearningRecord("salun", 7.75, 10.5, 1000, salun)),
                new MethodRow("ft", scores(50, 99, 91, 60, Double.NaN, 92, 96, 60), 20, Double.NaN, Double.NaN, null));
    }

    static ScenarioReport classWise() {
        return ScenarioReport.of("class-wise", "mlp", "fashion-mnist", "class:2", CLASSES,
                scores(99, 98, 91, 97, 2.5, 92, 96, 97), rows());
    }

    static ScenarioReport continual() {
        List<MethodRow> rows = rows();
        return new ScenarioReport("continual", "mlp", "fashion-mnist", "2 × random:0.02", List.of(), null, rows,
                List.of(new ContinualStep(1, "random:0.02:1", rows.subList(0, 2)), new ContinualStep(2,
                        "random:0.02:2", rows)));
    }
}
