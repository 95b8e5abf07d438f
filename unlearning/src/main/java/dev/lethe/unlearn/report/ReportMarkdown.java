package dev.lethe.unlearn.report;

import dev.lethe.unlearn.UnlearningRecord;
import dev.lethe.unlearn.eval.Scores;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code report.md}: the scenario, the table of CLI.md as a Markdown table with what each column
 * means, the further measures (forgotten-class test accuracy, KL to retrain, passes, parameters
 * changed), per-class test accuracy before (original) and after each method, each method's
 * statistics, links to the charts {@link ReportCharts} draws, and for a continual scenario the
 * table after each request. Numbers have 2 decimals (KL 4); NaN reads "n/a".
 */
public final class ReportMarkdown {
    private ReportMarkdown() {
    }

    /** The document for {@code r}. */
    public static String render(ScenarioReport r) {
        StringBuilder md = new StringBuilder();
        md.append("# Unlearning report: ").append(r.scenario()).append(" forgetting\n\n");
        md.append("- model: `").append(r.model()).append("`\n");
        md.append("- data set: `").append(r.dataset()).append("`\n");
        md.append("- forget set: `").append(r.forget()).append("`\n");
        if (r.original() != null) {
            Scores o = r.original();
            md.append("- original model: forget-acc ").append(Decimals.two(o.forgetAccuracy()))
                    .append(", retain-acc ").append(Decimals.two(o.retainAccuracy()))
                    .append(", test-acc ").append(Decimals.two(o.testAccuracy()))
                    .append(", MIA-efficacy ").append(Decimals.two(o.miaEfficacy())).append('\n');
        }
        md.append('\n');

        md.append("## Results\n\n");
        mainTable(md, r.rows());
        md.append('\n');
        md.append("""
                What the columns mean (accuracies in %, measured in evaluation mode; retraining from \
                scratch on D_r, the first row, is the target every method is measured against):

                - **forget-acc** — accuracy on the forget set D_f. UA, the unlearning accuracy, is \
                100 − forget-acc.
                - **retain-acc** — RA, accuracy on the retain set D_r = D \\ D_f.
                - **test-acc** — TA, accuracy on the test set D_t; when whole classes are forgotten, on \
                the test samples of the remaining classes only.
                - **MIA-efficacy** — the share of D_f that a membership-inference attack calls \
                non-members: an RBF SVM (LIBSVM, C = 3, γ = 1) on the probability of the true label, \
                trained on the first |D_t| samples of D_r (members) and D_t (non-members). Higher means \
                D_f looks less like training data.
                - **time(s)** — RTE, wall-clock seconds of the unlearning call alone.
                - **avg-gap** — the mean of |m − m_retrain| over UA, RA, TA and MIA-efficacy: 0 means \
                these numbers cannot tell the method from retraining.

                """);

        md.append("## Further measures\n\n");
        furtherTable(md, r.rows());
        md.append('\n');
        md.append("""
                - **forgotten-class test-acc** — test accuracy on the forgotten classes (class-wise \
                forgetting only).
                - **KL to retrain** — mean KL(p_retrain ‖ p_method) over D_f, in nats: how far the \
                method's output distribution on the forgotten samples is from retraining's.
                - **passes** — samples processed by the unlearning call, in multiples of |D|.
                - **parameters changed** — scalar parameters whose value differs from the original \
                model's.

                """);

        perClass(md, r);
        statistics(md, r.rows());

        List<ReportCharts.Planned> charts = ReportCharts.plan(r);
        if (!charts.isEmpty()) {
            md.append("## Charts\n\n");
            for (ReportCharts.Planned c : charts) {
                md.append("![").append(c.caption()).append("](").append(c.fileName()).append(")\n\n");
            }
        }

        if (!r.steps().isEmpty()) {
            md.append("## After each request\n\n");
            for (ContinualStep step : r.steps()) {
                md.append("### Request ").append(step.number()).append(": `").append(step.forget()).append("`\n\n");
                mainTable(md, step.rows());
                md.append('\n');
            }
        }
        return md.toString();
    }

    private static void mainTable(StringBuilder md, List<MethodRow> rows) {
        List<String> header = new ArrayList<>();
        header.add("method");
        header.addAll(ReportTable.HEADERS);
        List<List<String>> cells = new ArrayList<>();
        for (MethodRow row : rows) {
            Scores s = row.scores();
            cells.add(List.of(row.method(), Decimals.two(s.forgetAccuracy()), Decimals.two(s.retainAccuracy()),
                    Decimals.two(s.testAccuracy()), Decimals.two(s.miaEfficacy()), Decimals.two(row.rteSeconds()),
                    Decimals.two(row.averageGap())));
        }
        table(md, header, cells);
    }

    private static void furtherTable(StringBuilder md, List<MethodRow> rows) {
        List<List<String>> cells = new ArrayList<>();
        for (MethodRow row : rows) {
            UnlearningRecord record = row.record();
            cells.add(List.of(row.method(), Decimals.two(row.scores().forgottenClassTestAccuracy()),
                    Decimals.of(row.klToRetrain(), 4),
                    record == null ? Decimals.MISSING : Decimals.two(record.passes()),
                    record == null ? Decimals.MISSING : Long.toString(record.parametersChanged())));
        }
        table(md, List.of("method", "forgotten-class test-acc", "KL to retrain", "passes", "parameters changed"),
                cells);
    }

    private static void perClass(StringBuilder md, ScenarioReport r) {
        int classes = r.original() == null ? 0 : r.original().perClassTestAccuracy().length;
        for (MethodRow row : r.rows()) {
            classes = Math.max(classes, row.scores().perClassTestAccuracy().length);
        }
        if (classes == 0) {
            return;
        }
        md.append("## Per-class test accuracy (%)\n\n");
        List<String> header = new ArrayList<>();
        header.add("class");
        if (r.original() != null) {
            header.add("original");
        }
        r.rows().forEach(row -> header.add(row.method()));
        List<List<String>> cells = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            List<String> line = new ArrayList<>();
            line.add(c + (c < r.classNames().size() ? " " + r.className(c) : ""));
            if (r.original() != null) {
                line.add(at(r.original().perClassTestAccuracy(), c));
            }
            for (MethodRow row : r.rows()) {
                line.add(at(row.scores().perClassTestAccuracy(), c));
            }
            cells.add(line);
        }
        table(md, header, cells);
        md.append('\n');
    }

    private static void statistics(StringBuilder md, List<MethodRow> rows) {
        boolean any = rows.stream().anyMatch(row -> row.record() != null && !row.record().statistics().isEmpty());
        if (!any) {
            return;
        }
        md.append("## Method statistics\n\n");
        for (MethodRow row : rows) {
            if (row.record() == null || row.record().statistics().isEmpty()) {
                continue;
            }
            Map<String, Object> stats = row.record().statistics();
            md.append("### ").append(row.method()).append("\n\n");
            StatisticText.lines(stats).forEach(line -> md.append(line).append('\n'));
            md.append('\n');
        }
    }

    private static String at(double[] values, int c) {
        return c < values.length ? Decimals.two(values[c]) : Decimals.MISSING;
    }

    /** A Markdown table: the first column left-aligned, the others right-aligned; '|' in a cell escaped. */
    private static void table(StringBuilder md, List<String> header, List<List<String>> rows) {
        md.append('|');
        header.forEach(h -> md.append(' ').append(cell(h)).append(" |"));
        md.append("\n|");
        for (int c = 0; c < header.size(); c++) {
            md.append(c == 0 ? " :--- |" : " ---: |");
        }
        md.append('\n');
        for (List<String> row : rows) {
            md.append('|');
            row.forEach(v -> md.append(' ').append(cell(v)).append(" |"));
            md.append('\n');
        }
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
