package dev.lethe.unlearn.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The console table of {@code lethe demo} and {@code lethe eval} (CLI.md): one line per method,
 * <pre>
 * method   forget-acc  retain-acc  test-acc  MIA-efficacy  time(s)  avg-gap
 * retrain        0.00       96.50     90.25        100.00    41.23     0.00
 * </pre>
 * the method left-aligned, each number right-aligned under its header with 2 decimals ("n/a"
 * for NaN), columns two spaces apart, each as wide as its widest cell.
 */
public final class ReportTable {
    /** The column headers after {@code method}, in order. */
    public static final List<String> HEADERS = List.of("forget-acc", "retain-acc", "test-acc", "MIA-efficacy",
            "time(s)", "avg-gap");

    private ReportTable() {
    }

    /** The table of {@code rows}, in the order given, each line ending in a newline. */
    public static String render(List<MethodRow> rows) {
        List<String[]> cells = new ArrayList<>();
        for (MethodRow r : rows) {
            cells.add(new String[] {r.method(), Decimals.two(r.scores().forgetAccuracy()),
                    Decimals.two(r.scores().retainAccuracy()), Decimals.two(r.scores().testAccuracy()),
                    Decimals.two(r.scores().miaEfficacy()), Decimals.two(r.rteSeconds()),
                    Decimals.two(r.averageGap())});
        }
        String[] header = new String[HEADERS.size() + 1];
        header[0] = "method";
        for (int c = 0; c < HEADERS.size(); c++) {
            header[c + 1] = HEADERS.get(c);
        }
        int[] width = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            width[c] = header[c].length();
            for (String[] row : cells) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, header, width);
        for (String[] row : cells) {
            line(out, row, width);
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String[] cells, int[] width) {
        StringBuilder line = new StringBuilder();
        line.append(cells[0]).append(" ".repeat(width[0] - cells[0].length()));
        for (int c = 1; c < cells.length; c++) {
            line.append("  ").append(" ".repeat(width[c] - cells[c].length())).append(cells[c]);
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
