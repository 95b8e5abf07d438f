package dev.lethe.unlearn.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a scenario's report into a directory (created if missing): {@code report.md}
 * ({@link ReportMarkdown}), {@code report.json} ({@link ReportJson}) and the PNG charts
 * ({@link ReportCharts}) the markdown links to. Existing files of the same names are replaced.
 */
public final class ReportFiles {
    /** The markdown report's file name. */
    public static final String MARKDOWN = "report.md";
    /** The JSON report's file name. */
    public static final String JSON = "report.json";

    private ReportFiles() {
    }

    /**
     * Writes the report of {@code r} into {@code dir}; on failure an {@link UncheckedIOException}
     * names the directory.
     */
    public static void write(ScenarioReport r, Path dir) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(MARKDOWN), ReportMarkdown.render(r), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(JSON), ReportJson.render(r), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + dir, e);
        }
        ReportCharts.write(r, dir);
    }
}
