/**
 * Reporting a scenario's results: the rows of the table ({@link dev.lethe.unlearn.report.MethodRow}),
 * a scenario's result ({@link dev.lethe.unlearn.report.ScenarioReport}), and its renderings — the
 * console table of CLI.md ({@link dev.lethe.unlearn.report.ReportTable}), the {@code --json}
 * document ({@link dev.lethe.unlearn.report.ReportJson}), {@code report.md}
 * ({@link dev.lethe.unlearn.report.ReportMarkdown}) and the PNG charts
 * ({@link dev.lethe.unlearn.report.ReportCharts}), written together by
 * {@link dev.lethe.unlearn.report.ReportFiles}.
 */
package dev.lethe.unlearn.report;
