package dev.lethe.unlearn.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The --json document parses back with Jackson into CLI.md's shape, retrain first, NaN as null. */
class ReportJsonTest {
    private static final List<String> ROW_KEYS = List.of("method", "forget_acc", "retain_acc", "test_acc",
            "mia_efficacy", "rte_s", "avg_gap", "forgotten_class_test_acc", "kl_to_retrain", "per_class_test_acc",
            "passes", "parameters_changed", "statistics");

    private static List<String> keys(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void classWiseDocument() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(ReportJson.render(ReportFixture.classWise()));
        assertEquals(List.of("scenario", "model", "dataset", "forget", "classes", "original", "rows"), keys(doc));
        assertEquals("class-wise", doc.get("scenario").asText());
        assertEquals("mlp", doc.get("model").asText());
        assertEquals("fashion-mnist", doc.get("dataset").asText());
        assertEquals("class:2", doc.get("forget").asText());
        assertEquals("Trouser", doc.get("classes").get(1).asText());
        assertEquals(2.5, doc.get("original").get("mia_efficacy").asDouble());

        JsonNode rows = doc.get("rows");
        assertEquals(4, rows.size());
        List<String> methods = new ArrayList<>();
        rows.forEach(r -> methods.add(r.get("method").asText()));
        assertEquals(List.of("retrain", "ssd", "salun", "ft"), methods, "retrain first, the others in order");
        for (JsonNode row : rows) {
            assertEquals(ROW_KEYS, keys(row));
        }

        JsonNode retrain = rows.get(0);
        assertEquals(0.0, retrain.get("forget_acc").asDouble());
        assertEquals(96.5, retrain.get("retain_acc").asDouble());
        assertEquals(41.234, retrain.get("rte_s").asDouble());
        assertEquals(269322, retrain.get("parameters_changed").asLong());

        JsonNode ssd = rows.get(1);
        assertEquals(98.125, ssd.get("mia_efficacy").asDouble());
        assertEquals(0.0625, ssd.get("kl_to_retrain").asDouble());
        assertEquals(3, ssd.get("per_class_test_acc").size());
        JsonNode stats = ssd.get("statistics");
        assertEquals(1234, stats.get("selected").asLong());
        JsonNode importance = stats.get(ReportCharts.IMPORTANCE_DATA);
        assertEquals("log10 I", importance.get("label").asText());
        assertEquals(-10.0, importance.get("low").asDouble());
        assertEquals(10, importance.get("counts").size());
        assertEquals(5, sum(importance.get("counts")));
        assertEquals(1000, stats.get("selected_per_tensor").get("fc1.weight").asLong());

        JsonNode salun = rows.get(2).get("statistics");
        assertEquals(0.75, salun.get("density").get("fc1.bias").asDouble());
        assertTrue(salun.get("density").get("head.weight").isNull(), "NaN inside statistics is null");

        JsonNode ft = rows.get(3);
        assertTrue(ft.get("mia_efficacy").isNull(), "NaN is null");
        assertTrue(ft.get("avg_gap").isNull());
        assertTrue(ft.get("kl_to_retrain").isNull());
        assertTrue(ft.get("passes").isNull(), "no record");
        assertTrue(ft.get("parameters_changed").isNull());
        assertEquals(0, ft.get("statistics").size());
        assertEquals(60.0, ft.get("forgotten_class_test_acc").asDouble());
    }

    @Test
    void continualDocumentHasItsSteps() throws Exception {
        JsonNode doc = new ObjectMapper().readTree(ReportJson.render(ReportFixture.continual()));
        assertTrue(doc.get("original").isNull());
        JsonNode steps = doc.get("steps");
        assertEquals(2, steps.size());
        assertEquals(1, steps.get(0).get("step").asInt());
        assertEquals("random:0.02:1", steps.get(0).get("forget").asText());
        assertEquals("retrain", steps.get(0).get("rows").get(0).get("method").asText(), "retrain first in a step too");
        assertEquals(4, steps.get(1).get("rows").size());
        assertFalse(new ObjectMapper().readTree(ReportJson.render(ReportFixture.classWise())).has("steps"));
    }

    private static long sum(JsonNode counts) {
        long s = 0;
        for (JsonNode c : counts) {
            s += c.asLong();
        }
        return s;
    }
}
