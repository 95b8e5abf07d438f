package dev.lethe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lethe demo} end to end on whatever Fashion-MNIST is found (in CI the copy the project
 * carries), kept short with {@code --quick --epochs 1} and a few methods: the table's rows, the
 * report files, and the continual scenario's steps.
 */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void forgetsAClassWithEveryChosenMethodAndWritesTheReport() throws Exception {
        Path out = dir.resolve("report");
        Cli.Result r = Cli.run("demo", "--quick", "--epochs", "1", "--methods", "ga,ssd,salun,acu",
                "--out", out.toString(), "--json").expect(0).noStackTrace();
        JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals("class-wise", doc.get("scenario").asText());
        assertEquals("class:7", doc.get("forget").asText());
        JsonNode rows = doc.get("rows");
        assertEquals(5, rows.size());
        String[] methods = {"retrain", "ga", "ssd", "salun", "acu"};
        for (int i = 0; i < methods.length; i++) {
            assertEquals(methods[i], rows.get(i).get("method").asText());
        }
        assertEquals(0.0, rows.get(0).get("forget_acc").asDouble(), "retrain never saw the class");
        assertEquals(0.0, rows.get(4).get("forget_acc").asDouble(), "acu removes the class exactly");
        for (String f : new String[] {"report.md", "report.json", "accuracy.png", "per-class-accuracy.png",
            "ssd-importance.png", "ssd-dampening.png", "salun-mask-density.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
    }

    @Test
    void continualScenarioReportsEveryRequest() throws Exception {
        Path out = dir.resolve("continual");
        Cli.Result r = Cli.run("demo", "--quick", "--epochs", "1", "--scenario", "continual", "--methods", "acu",
                "--out", out.toString()).expect(0).noStackTrace();
        for (int k = 1; k <= 5; k++) {
            assertTrue(r.out().contains("after request " + k + " ("), r.out());
        }
        JsonNode doc = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        assertEquals(5, doc.get("steps").size());
    }

    @Test
    void badOptionsAreUsageErrors() {
        Cli.run("demo", "--methods", "ssd,forget-it").expect(2).noStackTrace();
        Cli.run("demo", "--forget", "range:1-5").expect(2).noStackTrace();
        Cli.run("demo", "--set", "alpha=3").expect(2).noStackTrace();
        Cli.run("demo", "--set", "ssd.alpha=0").expect(2).noStackTrace();
    }
}
