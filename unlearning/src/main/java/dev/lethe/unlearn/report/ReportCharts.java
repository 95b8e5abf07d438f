package dev.lethe.unlearn.report;

import dev.lethe.unlearn.Histogram;
import dev.lethe.unlearn.UnlearningRecord;
import dev.lethe.unlearn.eval.Scores;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * The report's PNG charts, drawn with XChart off screen (the JVM is made headless unless told
 * otherwise):
 * <ul>
 * <li>{@code accuracy.png} — UA, RA, TA and MIA-efficacy per method, grouped bars;</li>
 * <li>{@code per-class-accuracy.png} — test accuracy per class for the original model and after
 * each method;</li>
 * <li>{@code <method>-importance.png} — histograms of SSD's Fisher importances over D and D_f
 * (record statistics {@code importance_data}, {@code importance_forget});</li>
 * <li>{@code <method>-dampening.png} — histogram of SSD's dampening factors ({@code dampening});</li>
 * <li>{@code <method>-mask-density.png} — SalUn's mask density per parameter tensor
 * ({@code density}, a map of name to fraction);</li>
 * <li>{@code continual-forget-accuracy.png} — forget accuracy after each request of a
 * continual scenario.</li>
 * </ul>
 * A chart whose data the report lacks is not drawn.
 */
public final class ReportCharts {
    /** Record-statistics keys the charts read. */
    public static final String IMPORTANCE_DATA = "importance_data";
    /** SSD's importance over D_f, a {@link Histogram}. */
    public static final String IMPORTANCE_FORGET = "importance_forget";
    /** SSD's dampening factors, a {@link Histogram}. */
    public static final String DAMPENING = "dampening";
    /** SalUn's mask density per parameter tensor, a map of name to fraction in [0, 1]. */
    public static final String DENSITY = "density";

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 560;

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /**
     * A chart the report will have: its file name, what it shows (for the markdown's links) and
     * how to draw it.
     */
    record Planned(String fileName, String caption, Supplier<Chart<?, ?>> draw) {
    }

    private ReportCharts() {
    }

    /**
     * Draws every chart {@code r} has data for into {@code dir} (created if missing) and returns
     * the files, in the order of the list above.
     */
    public static List<Path> write(ScenarioReport r, Path dir) {
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (Planned p : plan(r)) {
                Path file = dir.resolve(p.fileName());
                try (OutputStream out = Files.newOutputStream(file)) {
                    BitmapEncoder.saveBitmap(p.draw().get(), out, BitmapEncoder.BitmapFormat.PNG);
                }
                written.add(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the charts to " + dir, e);
        }
        return written;
    }

    /** The file names {@link #write} produces for {@code r}, in order. */
    public static List<String> fileNames(ScenarioReport r) {
        return plan(r).stream().map(Planned::fileName).toList();
    }

    /** The charts {@code r} has data for. */
    static List<Planned> plan(ScenarioReport r) {
        List<Planned> out = new ArrayList<>();
        if (!r.rows().isEmpty()) {
            out.add(new Planned("accuracy.png", "UA, RA, TA and MIA-efficacy per method", () -> accuracy(r)));
            out.add(new Planned("per-class-accuracy.png", "Test accuracy per class, before (original) and after "
                    + "each method", () -> perClass(r)));
        }
        for (MethodRow row : r.rows()) {
            UnlearningRecord record = row.record();
            if (record == null) {
                continue;
            }
            Map<String, Object> stats = record.statistics();
            String stem = fileStem(row.method());
            if (stats.get(IMPORTANCE_DATA) instanceof Histogram || stats.get(IMPORTANCE_FORGET) instanceof Histogram) {
                out.add(new Planned(stem + "-importance.png", row.method() + ": Fisher importance over D and D_f",
                        () -> histograms(row.method() + ": parameter importance", stats, IMPORTANCE_DATA,
                                IMPORTANCE_FORGET)));
            }
            if (stats.get(DAMPENING) instanceof Histogram) {
                out.add(new Planned(stem + "-dampening.png", row.method() + ": dampening factors of the selected "
                        + "parameters", () -> histograms(row.method() + ": dampening factors", stats, DAMPENING)));
            }
            if (stats.get(DENSITY) instanceof Map<?, ?> density && !density.isEmpty()) {
                out.add(new Planned(stem + "-mask-density.png", row.method() + ": saliency-mask density per "
                        + "parameter tensor", () -> density(row.method(), density)));
            }
        }
        if (!r.steps().isEmpty()) {
            out.add(new Planned("continual-forget-accuracy.png", "Forget accuracy after each request",
                    () -> continual(r)));
        }
        return out;
    }

    private static CategoryChart accuracy(ScenarioReport r) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(r.model() + " on " + r.dataset() + ", " + r.scenario() + " forgetting of " + r.forget())
                .xAxisTitle("method").yAxisTitle("%").build();
        style(chart);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(100.0);
        List<String> methods = r.rows().stream().map(MethodRow::method).toList();
        chart.addSeries("UA", methods, values(r.rows(), s -> s.unlearningAccuracy()));
        chart.addSeries("RA", methods, values(r.rows(), Scores::retainAccuracy));
        chart.addSeries("TA", methods, values(r.rows(), Scores::testAccuracy));
        chart.addSeries("MIA-efficacy", methods, values(r.rows(), Scores::miaEfficacy));
        return chart;
    }

    private static CategoryChart perClass(ScenarioReport r) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Test accuracy per class").xAxisTitle("class").yAxisTitle("%").build();
        style(chart);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(100.0);
        int classes = 0;
        for (MethodRow row : r.rows()) {
            classes = Math.max(classes, row.scores().perClassTestAccuracy().length);
        }
        if (r.original() != null) {
            classes = Math.max(classes, r.original().perClassTestAccuracy().length);
        }
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add(r.className(c));
        }
        if (r.original() != null) {
            chart.addSeries("original", names, padded(r.original().perClassTestAccuracy(), classes));
        }
        for (MethodRow row : r.rows()) {
            chart.addSeries(row.method(), names, padded(row.scores().perClassTestAccuracy(), classes));
        }
        return chart;
    }

    /**
     * Writes one PNG of histograms (step lines over their bin edges), one series per entry of
     * {@code series}, e.g. the importances {@code lethe inspect fisher --plot} shows.
     */
    public static void writeHistograms(Path file, String title, Map<String, Histogram> series) throws IOException {
        Map<String, Object> stats = new java.util.LinkedHashMap<>(series);
        save(histograms(title, stats, series.keySet().toArray(new String[0])), file);
    }

    /**
     * Writes one PNG of the fraction of each parameter tensor that a mask selects, e.g. the
     * saliency mask {@code lethe inspect saliency --plot} shows.
     */
    public static void writeDensity(Path file, String title, Map<String, Double> density) throws IOException {
        save(density(title, density), file);
    }

    private static void save(Chart<?, ?> chart, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** The histograms under {@code keys} (those present) as step lines over their bin edges. */
    private static XYChart histograms(String title, Map<String, Object> stats, String... keys) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).yAxisTitle("count").build();
        style(chart);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        chart.getStyler().setMarkerSize(0);
        String xTitle = null;
        for (String key : keys) {
            if (stats.get(key) instanceof Histogram h) {
                long[] counts = h.counts();
                double[] x = new double[counts.length + 1];
                double[] y = new double[counts.length + 1];
                for (int b = 0; b <= counts.length; b++) {
                    x[b] = h.edge(b);
                    y[b] = counts[Math.min(b, counts.length - 1)];
                }
                chart.addSeries(key + " (" + h.label() + ")", x, y);
                xTitle = xTitle == null ? h.label() : xTitle;
            }
        }
        chart.setXAxisTitle(xTitle);
        return chart;
    }

    private static CategoryChart density(String method, Map<?, ?> density) {
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        density.forEach((k, v) -> {
            names.add(String.valueOf(k));
            values.add(v instanceof Number n && Double.isFinite(n.doubleValue()) ? n.doubleValue() : null);
        });
        CategoryChart chart = new CategoryChartBuilder().width(Math.max(WIDTH, 16 * names.size() + 200))
                .height(HEIGHT + 140).title(method.contains(":") ? method
                        : method + ": fraction of each parameter tensor in the saliency mask")
                .xAxisTitle("parameter tensor").yAxisTitle("mask density").build();
        style(chart);
        chart.getStyler().setXAxisLabelRotation(90);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        chart.addSeries("density", names, values);
        return chart;
    }

    private static XYChart continual(ScenarioReport r) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("Forget accuracy after each request")
                .xAxisTitle("request").yAxisTitle("forget accuracy (%)").build();
        style(chart);
        chart.getStyler().setXAxisDecimalPattern("0");
        List<String> methods = new ArrayList<>();
        for (ContinualStep step : r.steps()) {
            for (MethodRow row : step.rows()) {
                if (!methods.contains(row.method())) {
                    methods.add(row.method());
                }
            }
        }
        for (String method : methods) {
            List<Integer> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (ContinualStep step : r.steps()) {
                for (MethodRow row : step.rows()) {
                    if (row.method().equals(method) && Double.isFinite(row.scores().forgetAccuracy())) {
                        x.add(step.number());
                        y.add(row.scores().forgetAccuracy());
                    }
                }
            }
            if (!x.isEmpty()) {
                chart.addSeries(method, x, y);
            }
        }
        return chart;
    }

    private static void style(Chart<?, ?> chart) {
        Styler s = chart.getStyler();
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setChartBackgroundColor(java.awt.Color.WHITE);
        s.setAntiAlias(true);
    }

    /** One value per row, NaN as a gap (null). */
    private static List<Double> values(List<MethodRow> rows, java.util.function.ToDoubleFunction<Scores> metric) {
        List<Double> out = new ArrayList<>();
        for (MethodRow row : rows) {
            double v = metric.applyAsDouble(row.scores());
            out.add(Double.isFinite(v) ? v : null);
        }
        return out;
    }

    private static List<Double> padded(double[] values, int n) {
        List<Double> out = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            out.add(c < values.length && Double.isFinite(values[c]) ? values[c] : null);
        }
        return out;
    }

    /** A method name as a file-name stem: lower case, characters other than letters, digits and '-' as '-'. */
    static String fileStem(String method) {
        return method.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    }
}
