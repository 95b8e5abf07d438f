package dev.lethe.unlearn.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** report.md holds the table, the column meanings, per-class accuracy, statistics and chart links. */
class ReportMarkdownTest {
    @Test
    void classWiseReport() {
        ScenarioReport r = ReportFixture.classWise();
        String md = ReportMarkdown.render(r);
        assertContains(md, "| method | forget-acc | retain-acc | test-acc | MIA-efficacy | time(s) | avg-gap |");
        assertContains(md, "| retrain | 0.00 | 96.50 | 90.25 | 100.00 | 41.23 | 0.00 |");
        assertContains(md, "| ssd | 1.50 | 95.25 | 89.75 | 98.13 | 0.50 | 1.20 |");
        assertContains(md, "| ft | 50.00 | 99.00 | 91.00 | n/a | 20.00 | n/a |");
        assertTrue(md.indexOf("| retrain |") < md.indexOf("| ssd |"), "retrain first");
        assertContains(md, "- **MIA-efficacy** — ");
        assertContains(md, "- **avg-gap** — ");
        assertContains(md, "| ssd | 3.50 | 0.0625 | 1.00 | 5678 |");
        assertContains(md, "| class | original | retrain | ssd | salun | ft |");
        assertContains(md, "| 1 Trouser | 96.00 | 95.50 | 94.00 | 90.00 | 96.00 |");
        assertContains(md, "### ssd");
        assertContains(md, "- `selected`: 1234");
        assertContains(md, "- `importance_data`: histogram of log10 I: 5 values in 10 bins over [-10, 0]");
        assertContains(md, "- `density`: fc1.weight: 0.4, fc1.bias: 0.75, head.weight: n/a");
        assertContains(md, "- `threshold`: 0.00015");
        for (String file : ReportCharts.fileNames(r)) {
            assertContains(md, "](" + file + ")");
        }
        assertContains(md, "(ssd-importance.png)");
        assertContains(md, "(salun-mask-density.png)");
    }

    @Test
    void continualReportHasATablePerRequest() {
        String md = ReportMarkdown.render(ReportFixture.continual());
        assertContains(md, "### Request 1: `random:0.02:1`");
        assertContains(md, "### Request 2: `random:0.02:2`");
        assertContains(md, "(continual-forget-accuracy.png)");
    }

    private static void assertContains(String text, String part) {
        assertTrue(text.contains(part), "missing «" + part + "» in:\n" + text);
    }
}
