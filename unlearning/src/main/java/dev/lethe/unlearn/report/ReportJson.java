package dev.lethe.unlearn.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.unlearn.Histogram;
import dev.lethe.unlearn.UnlearningRecord;
import dev.lethe.unlearn.eval.Scores;
import java.lang.reflect.Array;
import java.util.List;
import java.util.Map;

/**
 * The {@code --json} document of {@code lethe demo} and {@code lethe eval} (CLI.md), also written
 * as {@code report.json}:
 * <pre>
 * {"scenario": "class-wise", "model": "mlp", "dataset": "fashion-mnist", "forget": "class:7",
 *  "classes": [...], "original": {...},
 *  "rows": [{"method": "retrain", "forget_acc": 0.0, "retain_acc": ..., "test_acc": ...,
 *            "mia_efficacy": ..., "rte_s": ..., "avg_gap": ...,
 *            "forgotten_class_test_acc": ..., "kl_to_retrain": ..., "per_class_test_acc": [...],
 *            "passes": ..., "parameters_changed": ..., "statistics": {...}}, ...],
 *  "steps": [{"step": 1, "forget": ..., "rows": [...]}, ...]}
 * </pre>
 * Accuracies in percent, rows retrain first; "steps" only for a continual scenario. A number
 * that is NaN or infinite is written as {@code null} (JSON has neither). Record statistics are
 * written by type: numbers, strings and booleans as themselves, a {@link Histogram} as
 * {@code {"label", "low", "high", "counts"}}, maps as objects, lists and arrays as arrays,
 * anything else as its string form.
 */
public final class ReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ReportJson() {
    }

    /** The document of {@code r}, indented, ending in a newline. */
    public static String render(ScenarioReport r) {
        try {
            return MAPPER.writeValueAsString(tree(r)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report as JSON", e);
        }
    }

    /** The document of {@code r} as a tree. */
    public static ObjectNode tree(ScenarioReport r) {
        ObjectNode root = NODES.objectNode();
        root.put("scenario", r.scenario());
        root.put("model", r.model());
        root.put("dataset", r.dataset());
        root.put("forget", r.forget());
        ArrayNode classes = root.putArray("classes");
        r.classNames().forEach(classes::add);
        if (r.original() == null) {
            root.putNull("original");
        } else {
            root.set("original", scores(NODES.objectNode(), r.original()));
        }
        root.set("rows", rows(r.rows()));
        if (!r.steps().isEmpty()) {
            ArrayNode steps = root.putArray("steps");
            for (ContinualStep s : r.steps()) {
                ObjectNode step = steps.addObject();
                step.put("step", s.number());
                step.put("forget", s.forget());
                step.set("rows", rows(s.rows()));
            }
        }
        return root;
    }

    private static ArrayNode rows(List<MethodRow> rows) {
        ArrayNode out = NODES.arrayNode();
        for (MethodRow row : rows) {
            ObjectNode o = out.addObject();
            o.put("method", row.method());
            Scores s = row.scores();
            number(o, "forget_acc", s.forgetAccuracy());
            number(o, "retain_acc", s.retainAccuracy());
            number(o, "test_acc", s.testAccuracy());
            number(o, "mia_efficacy", s.miaEfficacy());
            number(o, "rte_s", row.rteSeconds());
            number(o, "avg_gap", row.averageGap());
            number(o, "forgotten_class_test_acc", s.forgottenClassTestAccuracy());
            number(o, "kl_to_retrain", row.klToRetrain());
            o.set("per_class_test_acc", numbers(s.perClassTestAccuracy()));
            UnlearningRecord record = row.record();
            if (record == null) {
                o.putNull("passes");
                o.putNull("parameters_changed");
                o.putObject("statistics");
            } else {
                number(o, "passes", record.passes());
                o.put("parameters_changed", record.parametersChanged());
                o.set("statistics", value(record.statistics()));
            }
        }
        return out;
    }

    /** The scores of a model on their own (the original model's entry). */
    private static ObjectNode scores(ObjectNode o, Scores s) {
        number(o, "forget_acc", s.forgetAccuracy());
        number(o, "retain_acc", s.retainAccuracy());
        number(o, "test_acc", s.testAccuracy());
        number(o, "mia_efficacy", s.miaEfficacy());
        number(o, "forgotten_class_test_acc", s.forgottenClassTestAccuracy());
        o.set("per_class_test_acc", numbers(s.perClassTestAccuracy()));
        return o;
    }

    private static void number(ObjectNode o, String key, double v) {
        o.set(key, number(v));
    }

    private static JsonNode number(double v) {
        return Double.isFinite(v) ? NODES.numberNode(v) : NODES.nullNode();
    }

    private static ArrayNode numbers(double[] values) {
        ArrayNode a = NODES.arrayNode();
        for (double v : values) {
            a.add(number(v));
        }
        return a;
    }

    /** A statistic's value as JSON, by its type. */
    private static JsonNode value(Object v) {
        if (v == null) {
            return NODES.nullNode();
        } else if (v instanceof Double || v instanceof Float) {
            return number(((Number) v).doubleValue());
        } else if (v instanceof Number n) {
            return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte
                    ? NODES.numberNode(n.longValue()) : number(n.doubleValue());
        } else if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        } else if (v instanceof CharSequence s) {
            return NODES.textNode(s.toString());
        } else if (v instanceof Histogram h) {
            ObjectNode o = NODES.objectNode();
            o.put("label", h.label());
            number(o, "low", h.low());
            number(o, "high", h.high());
            ArrayNode counts = o.putArray("counts");
            for (long c : h.counts()) {
                counts.add(c);
            }
            return o;
        } else if (v instanceof Map<?, ?> map) {
            ObjectNode o = NODES.objectNode();
            map.forEach((k, x) -> o.set(String.valueOf(k), value(x)));
            return o;
        } else if (v instanceof Iterable<?> items) {
            ArrayNode a = NODES.arrayNode();
            items.forEach(x -> a.add(value(x)));
            return a;
        } else if (v.getClass().isArray()) {
            ArrayNode a = NODES.arrayNode();
            for (int i = 0; i < Array.getLength(v); i++) {
                a.add(value(Array.get(v, i)));
            }
            return a;
        }
        return NODES.textNode(String.valueOf(v));
    }
}
