package dev.lethe.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuardReportTest {

    /** One JMH JSON entry in average-time mode, microseconds per op. */
    private static String entry(String method, String param, double... iterations) {
        StringBuilder raw = new StringBuilder();
        double sum = 0;
        for (double v : iterations) {
            raw.append(raw.length() == 0 ? "" : ",").append(v);
            sum += v;
        }
        return "{\"benchmark\":\"dev.lethe.bench.DemoBench." + method + "\",\"mode\":\"avgt\","
                + "\"params\":{\"size\":\"" + param + "\"},"
                + "\"primaryMetric\":{\"score\":" + sum / iterations.length + ",\"scoreUnit\":\"us/op\","
                + "\"rawData\":[[" + raw + "]]}}";
    }

    private static List<GuardReport.Result> parse(String... entries) throws IOException {
        return GuardReport.parse(new ObjectMapper().readTree("[" + String.join(",", entries) + "]"));
    }

    @Test
    void ratioIsBaselineTimeOverOpTimeFromTheFastestIterations() throws IOException {
        List<GuardReport.Result> all = parse(
                entry("op", "small", 30, 20, 25),
                entry("baseline", "small", 10, 12),
                entry("op", "large", 100));
        List<GuardReport.Row> rows = GuardReport.pair(all, Map.of("DemoBench.op", 0.4));
        assertEquals(2, rows.size());
        GuardReport.Row small = rows.get(0);
        assertEquals(20e-6, small.op().bestSeconds(), 1e-15);
        assertEquals(25e-6, small.op().meanSeconds(), 1e-15);
        assertEquals(0.5, small.ratio(), 1e-12);
        assertFalse(small.failed());
        // No baseline for "large": no ratio, and a floored row without one fails.
        assertTrue(Double.isNaN(rows.get(1).ratio()));
        assertTrue(rows.get(1).failed());
    }

    @Test
    void aParameterSpecificFloorWinsOverTheGeneralOne() throws IOException {
        List<GuardReport.Result> all = parse(entry("op", "small", 40), entry("baseline", "small", 10));
        Map<String, Double> floors = Map.of("DemoBench.op", 0.1, "DemoBench.op[size=small]", 0.3);
        GuardReport.Row row = GuardReport.pair(all, floors).get(0);
        assertEquals(0.3, row.floor());
        assertTrue(row.failed());
        assertNull(GuardReport.pair(all, Map.of()).get(0).floor());
    }

    @Test
    void missingFlooredBenchmarksAreNamed() throws IOException {
        List<GuardReport.Result> all = parse(entry("op", "small", 40));
        assertEquals(List.of("OtherBench.run"),
                GuardReport.missingFloored(all, Map.of("DemoBench.op", 0.1, "OtherBench.run", 0.1,
                        "OtherBench.run[size=x]", 0.2)));
    }

    @Test
    void floorsFileSplitsAtTheLastEqualsSign(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("floors.txt");
        Files.writeString(f, "# comment\n\nA.b = 0.5\nA.b[op=add] = 0.25\n");
        assertEquals(Map.of("A.b", 0.5, "A.b[op=add]", 0.25), GuardReport.readFloors(f));
        Files.writeString(f, "A.b 0.5\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GuardReport.readFloors(f));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }
}
