package dev.lethe.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads JMH JSON result files, pairs every benchmark with the {@code baseline} method of the
 * same class and parameters, and prints benchmark, time per op, baseline time and ratio, where
 * ratio = op throughput ÷ baseline throughput (higher is better).
 *
 * <p>Times are each benchmark's <em>fastest</em> measured iteration: on a shared machine other
 * load only ever adds time, so the fastest iteration is the most repeatable estimate of what the
 * code itself costs (JMH's mean is printed beside it).
 *
 * <p>Usage: {@code GuardReport results.json... [--floors floors.txt] [--check] [--require-all]
 * [--rerun-list file]}. When several files hold the same benchmark and parameters (re-runs),
 * its fastest iteration over all of them counts.
 *
 * <p>Floor keys are {@code Class.method} (every parameter set) or
 * {@code Class.method[param=value,...]} (one parameter set; wins over the plain key). With
 * {@code --check} it exits 1 when a ratio is below its floor or there are no results, and with
 * {@code --require-all} (runs of the whole set) also when a floored benchmark has no result.
 * {@code --rerun-list} writes the class and parameters of each row under its floor, one
 * {@code Class<TAB>param=value} line each, for another attempt.
 */
public final class GuardReport {
    private static final String BASELINE = "baseline";

    /**
     * One JMH result: class, method, parameters in order, and seconds per operation as JMH's
     * mean and as the fastest measured iteration.
     */
    record Result(String cls, String method, String params, double meanSeconds, double bestSeconds) {
        String key() {
            return cls + "." + method;
        }

        String id() {
            return cls + "." + method + "[" + params + "]";
        }
    }

    /** One benchmark beside its baseline; ratio is NaN when the baseline did not run. */
    record Row(Result op, Result baseline, double ratio, Double floor) {
        boolean failed() {
            return floor != null && !(ratio >= floor);
        }
    }

    private GuardReport() {
    }

    /** Entry point; see the class comment for arguments. */
    public static void main(String[] args) throws IOException {
        List<Path> results = new ArrayList<>();
        Path floorsFile = null;
        Path rerunList = null;
        boolean check = false;
        boolean requireAll = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--floors" -> floorsFile = Path.of(args[++i]);
                case "--rerun-list" -> rerunList = Path.of(args[++i]);
                case "--check" -> check = true;
                case "--require-all" -> requireAll = true;
                default -> results.add(Path.of(args[i]));
            }
        }
        if (results.isEmpty()) {
            System.err.println("usage: GuardReport results.json... [--floors floors.txt] [--check]"
                    + " [--require-all] [--rerun-list file]");
            System.exit(2);
        }
        Map<String, Double> floors = floorsFile == null ? Map.of() : readFloors(floorsFile);
        Map<String, Result> byId = new LinkedHashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (Path file : results) {
            try (InputStream in = Files.newInputStream(file)) {
                for (Result r : parse(json.readTree(in))) {
                    byId.merge(r.id(), r, (old, again) -> old.bestSeconds <= again.bestSeconds ? old : again);
                }
            }
        }
        List<Result> all = new ArrayList<>(byId.values());
        List<Row> rows = pair(all, floors);
        if (rerunList != null) {
            StringBuilder list = new StringBuilder();
            rows.stream().filter(Row::failed).map(r -> r.op.cls + "\t" + r.op.params + "\n").distinct()
                    .forEach(list::append);
            Files.writeString(rerunList, list);
        }
        List<String> missing = requireAll ? missingFloored(all, floors) : List.of();
        print(rows, System.out);
        long failed = rows.stream().filter(Row::failed).count();
        for (String m : missing) {
            System.out.println("MISSING  " + m + ": a floor is set but no result came back (did it throw?)");
        }
        if (check) {
            if (failed > 0 || !missing.isEmpty() || rows.isEmpty()) {
                System.out.println("check failed: " + failed + " ratio(s) under their floor, " + missing.size()
                        + " floored benchmark(s) missing" + (rows.isEmpty() ? ", no results at all" : ""));
                System.exit(1);
            }
            System.out.println("check passed: every ratio is at or above its floor");
        }
    }

    /** The results of a JMH JSON array. */
    static List<Result> parse(JsonNode root) {
        List<Result> out = new ArrayList<>();
        for (JsonNode r : root) {
            String full = r.path("benchmark").asText();
            int dot = full.lastIndexOf('.');
            String method = full.substring(dot + 1);
            String cls = full.substring(full.lastIndexOf('.', dot - 1) + 1, dot);
            StringBuilder params = new StringBuilder();
            for (Iterator<Map.Entry<String, JsonNode>> it = r.path("params").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                params.append(params.length() == 0 ? "" : ",")
                        .append(e.getKey()).append('=').append(e.getValue().asText());
            }
            JsonNode metric = r.path("primaryMetric");
            boolean throughput = r.path("mode").asText().equals("thrpt");
            double unit = unitSeconds(metric.path("scoreUnit").asText());
            double mean = perOp(metric.path("score").asDouble(), unit, throughput);
            double best = Double.POSITIVE_INFINITY;
            for (JsonNode fork : metric.path("rawData")) {
                for (JsonNode iteration : fork) {
                    best = Math.min(best, perOp(iteration.asDouble(), unit, throughput));
                }
            }
            out.add(new Result(cls, method, params.toString(), mean, Double.isInfinite(best) ? mean : best));
        }
        return out;
    }

    /** Every non-baseline result beside the baseline of its class and parameters. */
    static List<Row> pair(List<Result> all, Map<String, Double> floors) {
        Map<String, Result> baselines = new LinkedHashMap<>();
        for (Result r : all) {
            if (r.method.equals(BASELINE)) {
                baselines.put(r.cls + "|" + r.params, r);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (Result r : all) {
            if (r.method.equals(BASELINE)) {
                continue;
            }
            Result base = baselines.get(r.cls + "|" + r.params);
            double ratio = base == null ? Double.NaN : base.bestSeconds / r.bestSeconds;
            Double floor = floors.get(r.key() + "[" + r.params + "]");
            if (floor == null) {
                floor = floors.get(r.key());
            }
            rows.add(new Row(r, base, ratio, floor));
        }
        return rows;
    }

    /** Floor keys (class.method, ignoring parameter-specific ones) with no result at all. */
    static List<String> missingFloored(List<Result> all, Map<String, Double> floors) {
        List<String> missing = new ArrayList<>();
        for (String key : floors.keySet()) {
            if (key.contains("[")) {
                continue; // parameter sets are chosen per run; a subset may leave some out
            }
            if (all.stream().noneMatch(r -> r.key().equals(key))) {
                missing.add(key);
            }
        }
        return missing;
    }

    /**
     * Floors from a text file of {@code key = floor} lines ({@code #} starts a comment). The
     * split is at the last {@code =}, so keys may hold parameter sets like {@code [op=add]}.
     */
    static Map<String, Double> readFloors(Path file) throws IOException {
        Map<String, Double> floors = new TreeMap<>();
        int number = 0;
        for (String raw : Files.readAllLines(file)) {
            number++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.lastIndexOf('=');
            try {
                if (eq <= 0) {
                    throw new NumberFormatException("no '='");
                }
                floors.put(line.substring(0, eq).strip(), Double.parseDouble(line.substring(eq + 1).strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(file + " line " + number
                        + ": expected 'Class.method[params] = floor', got '" + line + "'", e);
            }
        }
        return floors;
    }

    private static void print(List<Row> rows, PrintStream out) {
        String fmt = "%-32s %-28s %11s %11s %11s %7s %6s  %s%n";
        out.printf(fmt, "benchmark", "params", "best", "mean", "base best", "ratio", "floor", "");
        for (Row r : rows) {
            out.printf(Locale.ROOT, fmt, r.op.key(), r.op.params, time(r.op.bestSeconds), time(r.op.meanSeconds),
                    r.baseline == null ? "-" : time(r.baseline.bestSeconds),
                    Double.isNaN(r.ratio) ? "-" : String.format(Locale.ROOT, "%.3f", r.ratio),
                    r.floor == null ? "" : String.valueOf(r.floor),
                    r.failed() ? "BELOW FLOOR" : "");
        }
    }

    /** A time per op in a readable unit. */
    private static String time(double seconds) {
        if (seconds >= 1) {
            return String.format(Locale.ROOT, "%.3f s", seconds);
        } else if (seconds >= 1e-3) {
            return String.format(Locale.ROOT, "%.3f ms", seconds * 1e3);
        } else if (seconds >= 1e-6) {
            return String.format(Locale.ROOT, "%.3f us", seconds * 1e6);
        }
        return String.format(Locale.ROOT, "%.1f ns", seconds * 1e9);
    }

    private static double perOp(double score, double unitSeconds, boolean throughput) {
        return throughput ? unitSeconds / score : score * unitSeconds;
    }

    /** Seconds in one JMH time unit ("ms/op" or "ops/ms" both name the millisecond). */
    private static double unitSeconds(String unit) {
        String u = unit.replace("ops/", "").replace("/op", "");
        return switch (u) {
            case "s" -> 1;
            case "ms" -> 1e-3;
            case "us" -> 1e-6;
            case "ns" -> 1e-9;
            case "min" -> 60;
            default -> throw new IllegalArgumentException("unknown JMH time unit " + unit);
        };
    }
}
