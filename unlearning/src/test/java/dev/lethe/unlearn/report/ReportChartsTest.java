package dev.lethe.unlearn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.unlearn.UnlearningRecord;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The charts are valid PNGs drawn off screen; charts without data are skipped; ReportFiles writes all. */
class ReportChartsTest {
    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void everyChartIsAReadablePng(@TempDir Path dir) throws Exception {
        ScenarioReport r = ReportFixture.classWise();
        List<Path> files = ReportCharts.write(r, dir.resolve("charts"));
        assertEquals(List.of("accuracy.png", "per-class-accuracy.png", "ssd-importance.png", "ssd-dampening.png",
                "salun-mask-density.png"), files.stream().map(p -> p.getFileName().toString()).toList());
        for (Path f : files) {
            BufferedImage image = ImageIO.read(f.toFile());
            assertNotNull(image, f + " is not an image ImageIO reads");
            assertTrue(image.getWidth() >= 1000 && image.getHeight() >= 500, f + ": " + image.getWidth() + "×"
                    + image.getHeight());
        }
    }

    @Test
    void chartsWithoutDataAreSkipped(@TempDir Path dir) throws Exception {
        ScenarioReport plain = ScenarioReport.of("random", "mlp", "fashion-mnist", "random:0.1:0", List.of(), null,
                List.of(new MethodRow("retrain", ReportFixture.scores(90, 99, 90, Double.NaN, 20, 90, 90), 3, 0, 0,
                        new UnlearningRecord("retrain", 3, 9, 10, Map.of("density", Map.of())))));
        assertEquals(List.of("accuracy.png", "per-class-accuracy.png"), ReportCharts.fileNames(plain));
        ScenarioReport continual = ReportFixture.continual();
        List<Path> files = ReportCharts.write(continual, dir);
        assertTrue(files.contains(dir.resolve("continual-forget-accuracy.png")));
        assertNotNull(ImageIO.read(dir.resolve("continual-forget-accuracy.png").toFile()));
    }

    @Test
    void reportFilesWritesMarkdownJsonAndCharts(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("a/b");
        ScenarioReport r = ReportFixture.classWise();
        ReportFiles.write(r, out);
        assertEquals(ReportMarkdown.render(r), Files.readString(out.resolve("report.md")));
        assertEquals("retrain", new ObjectMapper().readTree(out.resolve("report.json").toFile()).get("rows").get(0)
                .get("method").asText());
        for (String name : ReportCharts.fileNames(r)) {
            assertNotNull(ImageIO.read(out.resolve(name).toFile()), name);
        }
    }
}
