package dev.lethe.nn;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.tensor.Philox;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An architecture and its configuration, as stored in a checkpoint's {@code lethe.arch} and
 * {@code lethe.config} (MODELS.md): everything needed to {@linkplain #build(Philox) build} the
 * model again.
 *
 * <p>Keys per architecture, with defaults:
 * <ul>
 * <li>{@code mlp}: {@code in_features} 784, {@code hidden} [512, 256], {@code num_classes} 10;</li>
 * <li>{@code resnet18}: {@code stem} cifar, {@code in_channels} 1, {@code num_classes} 10;</li>
 * <li>{@code vit}: {@code image_size} 28, {@code patch_size} 4, {@code in_channels} 1,
 * {@code embed_dim} 192, {@code depth} 6, {@code num_heads} 3, {@code mlp_ratio} 4.0,
 * {@code num_classes} 10;</li>
 * <li>optional for all: {@code normalize} ({@code {"mean": [...], "std": [...]}} per channel) and
 * {@code dropout} (probability, default 0).</li>
 * </ul>
 * The config given is checked and made canonical: missing keys take their defaults, keys keep
 * the order above, integers may be written {@code 4} or {@code 4.0} (or as strings, for
 * {@code --set key=value}), and an unknown architecture or key is an error that names it.
 *
 * @param arch   {@code mlp}, {@code resnet18} or {@code vit}
 * @param config the canonical configuration (read-only): Integer, Double, String,
 *               List&lt;Integer&gt; and, for {@code normalize}, a map of two List&lt;Double&gt;
 */
public record ModelSpec(String arch, Map<String, Object> config) {
    /** The architectures Lethe builds. */
    public static final List<String> ARCHITECTURES = List.of("mlp", "resnet18", "vit");

    private static final ObjectMapper JSON = new ObjectMapper();

    private enum Kind { INT, DOUBLE, INT_LIST, STEM, NORMALIZE }

    private record Key(String name, Kind kind, Object fallback) {
    }

    private static final Map<String, List<Key>> KEYS = Map.of(
            "mlp", List.of(
                    new Key("in_features", Kind.INT, 784),
                    new Key("hidden", Kind.INT_LIST, List.of(512, 256)),
                    new Key("num_classes", Kind.INT, 10)),
            "resnet18", List.of(
                    new Key("stem", Kind.STEM, "cifar"),
                    new Key("in_channels", Kind.INT, 1),
                    new Key("num_classes", Kind.INT, 10)),
            "vit", List.of(
                    new Key("image_size", Kind.INT, 28),
                    new Key("patch_size", Kind.INT, 4),
                    new Key("in_channels", Kind.INT, 1),
                    new Key("embed_dim", Kind.INT, 192),
                    new Key("depth", Kind.INT, 6),
                    new Key("num_heads", Kind.INT, 3),
                    new Key("mlp_ratio", Kind.DOUBLE, 4.0),
                    new Key("num_classes", Kind.INT, 10)));

    /** Keys every architecture accepts, absent unless given. */
    private static final List<Key> OPTIONAL = List.of(
            new Key("normalize", Kind.NORMALIZE, null),
            new Key("dropout", Kind.DOUBLE, null));

    /** Whether {@code key} is a config key of any architecture (including the optional ones). */
    public static boolean isConfigKey(String key) {
        if (OPTIONAL.stream().anyMatch(k -> k.name().equals(key))) {
            return true;
        }
        return KEYS.values().stream().flatMap(List::stream).anyMatch(k -> k.name().equals(key));
    }

    /** Checks {@code arch} and makes {@code config} canonical (see the class comment). */
    public ModelSpec {
        if (arch == null || !KEYS.containsKey(arch)) {
            throw new IllegalArgumentException("unknown architecture '" + arch + "'; expected one of "
                    + String.join(", ", ARCHITECTURES));
        }
        config = canonical(arch, config == null ? Map.of() : config);
    }

    /** The architecture with every key at its default. */
    public static ModelSpec of(String arch) {
        return new ModelSpec(arch, Map.of());
    }

    /** The architecture with the given keys (others at their defaults). */
    public static ModelSpec of(String arch, Map<String, ?> config) {
        return new ModelSpec(arch, Collections.unmodifiableMap(config));
    }

    /** From a JSON object such as a checkpoint's {@code lethe.config}; malformed JSON is an error saying so. */
    public static ModelSpec fromJson(String arch, String configJson) {
        Map<String, Object> parsed;
        try {
            parsed = JSON.readValue(configJson, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("model config is not a valid JSON object: "
                    + e.getOriginalMessage() + " in " + abbreviate(configJson));
        }
        if (parsed == null) {
            throw new IllegalArgumentException("model config is not a JSON object: " + abbreviate(configJson));
        }
        return new ModelSpec(arch, parsed);
    }

    /** This spec with one key set (e.g. from {@code --set key=value}); the value is checked like any other. */
    public ModelSpec with(String key, Object value) {
        Map<String, Object> c = new LinkedHashMap<>(config);
        c.put(key, value);
        return new ModelSpec(arch, c);
    }

    /** The config as the JSON object stored in {@code lethe.config}. */
    public String configJson() {
        try {
            return JSON.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write model config " + config, e);
        }
    }

    /** An integer key's value. */
    public int intValue(String key) {
        return (Integer) require(key);
    }

    /** A real key's value (integers widen). */
    public double doubleValue(String key) {
        return ((Number) require(key)).doubleValue();
    }

    /** The hidden widths of an MLP. */
    @SuppressWarnings("unchecked")
    public List<Integer> hidden() {
        return (List<Integer>) require("hidden");
    }

    /** The dropout probability (0 when not configured). */
    public double dropout() {
        Object d = config.get("dropout");
        return d == null ? 0 : ((Number) d).doubleValue();
    }

    /** The number of classes the model predicts. */
    public int numClasses() {
        return intValue("num_classes");
    }

    /** The per-channel input normalisation, when configured. */
    @SuppressWarnings("unchecked")
    public Optional<Normalize> normalize() {
        Object n = config.get("normalize");
        if (n == null) {
            return Optional.empty();
        }
        Map<String, List<Double>> m = (Map<String, List<Double>>) n;
        return Optional.of(new Normalize(toArray(m.get("mean")), toArray(m.get("std"))));
    }

    /**
     * Per-channel input normalisation {@code (x/255 − mean) / std} applied to uint8 images.
     *
     * @param mean per-channel means
     * @param std  per-channel standard deviations (all &gt; 0)
     */
    public record Normalize(double[] mean, double[] std) {
        /** Copies the arrays. */
        public Normalize {
            mean = mean.clone();
            std = std.clone();
        }

        /** Copies of the arrays. */
        @Override
        public double[] mean() {
            return mean.clone();
        }

        /** Copies of the arrays. */
        @Override
        public double[] std() {
            return std.clone();
        }
    }

    /** Builds the model with fresh initial weights drawn from {@code rng} (a seed gives the same model bit for bit). */
    public Module build(Philox rng) {
        return switch (arch) {
            case "mlp" -> new Mlp(intValue("in_features"), hidden(), numClasses(), dropout(), rng);
            case "resnet18" -> new ResNet(ResNet.Stem.of((String) require("stem")), intValue("in_channels"),
                    numClasses(), dropout(), rng);
            case "vit" -> new VisionTransformer(intValue("image_size"), intValue("patch_size"),
                    intValue("in_channels"), intValue("embed_dim"), intValue("depth"), intValue("num_heads"),
                    doubleValue("mlp_ratio"), numClasses(), dropout(), rng);
            default -> throw new IllegalStateException("unreachable: " + arch);
        };
    }

    private Object require(String key) {
        Object v = config.get(key);
        if (v == null) {
            throw new IllegalArgumentException("architecture " + arch + " has no config key '" + key + "'");
        }
        return v;
    }

    // ======================================================================================
    // canonical form
    // ======================================================================================

    private static Map<String, Object> canonical(String arch, Map<String, ?> given) {
        List<Key> keys = new ArrayList<>(KEYS.get(arch));
        keys.addAll(OPTIONAL);
        List<String> known = keys.stream().map(Key::name).toList();
        for (String k : given.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown config key '" + k + "' for architecture " + arch
                        + "; expected " + String.join(", ", known));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Key key : keys) {
            Object raw = given.containsKey(key.name) ? given.get(key.name) : key.fallback;
            if (raw != null) {
                out.put(key.name, convert(arch, key, raw));
            }
        }
        validate(arch, out);
        return Collections.unmodifiableMap(out);
    }

    private static Object convert(String arch, Key key, Object raw) {
        String where = "config key '" + key.name + "' of " + arch;
        return switch (key.kind) {
            case INT -> toInt(raw, where);
            case DOUBLE -> toDouble(raw, where);
            case STEM -> ResNet.Stem.of(raw.toString().trim()).configName();
            case INT_LIST -> toIntList(raw, where);
            case NORMALIZE -> toNormalize(raw, where);
        };
    }

    private static void validate(String arch, Map<String, Object> c) {
        Object d = c.get("dropout");
        if (d != null && !(((Double) d) >= 0 && ((Double) d) < 1)) {
            throw new IllegalArgumentException("dropout must lie in [0, 1), got " + d);
        }
        for (Map.Entry<String, Object> e : c.entrySet()) {
            if (e.getValue() instanceof Integer i && i < (e.getKey().equals("depth") ? 0 : 1)) {
                throw new IllegalArgumentException("config key '" + e.getKey() + "' of " + arch
                        + " must be positive, got " + i);
            }
        }
        if (arch.equals("vit")) {
            VisionTransformer.validate((Integer) c.get("image_size"), (Integer) c.get("patch_size"),
                    (Integer) c.get("in_channels"), (Integer) c.get("embed_dim"), (Integer) c.get("depth"),
                    (Integer) c.get("num_heads"), (Double) c.get("mlp_ratio"), (Integer) c.get("num_classes"));
        }
        @SuppressWarnings("unchecked")
        Map<String, List<Double>> norm = (Map<String, List<Double>>) c.get("normalize");
        Integer channels = (Integer) c.get("in_channels");
        if (norm != null && channels != null && norm.get("mean").size() != channels) {
            throw new IllegalArgumentException("normalize has " + norm.get("mean").size()
                    + " values per statistic, but in_channels is " + channels);
        }
    }

    private static int toInt(Object raw, String where) {
        double d = toDouble(raw, where);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + " must be an integer, got " + raw);
        }
        return (int) d;
    }

    private static double toDouble(Object raw, String where) {
        if (raw instanceof Number n) {
            return n.doubleValue();
        }
        if (raw instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + " must be a number, got '" + s + "'");
            }
        }
        throw new IllegalArgumentException(where + " must be a number, got " + raw);
    }

    private static List<Integer> toIntList(Object raw, String where) {
        List<?> items = asList(raw, where);
        List<Integer> out = new ArrayList<>();
        for (Object o : items) {
            out.add(toInt(o, where));
        }
        return List.copyOf(out);
    }

    private static List<Double> toDoubleList(Object raw, String where) {
        List<?> items = asList(raw, where);
        List<Double> out = new ArrayList<>();
        for (Object o : items) {
            out.add(toDouble(o, where));
        }
        return List.copyOf(out);
    }

    /** A JSON array, a Java list or array, or a string "1,2,3" / "[1, 2, 3]". */
    private static List<?> asList(Object raw, String where) {
        if (raw instanceof List<?> l) {
            return l;
        }
        if (raw instanceof int[] a) {
            return java.util.Arrays.stream(a).boxed().toList();
        }
        if (raw instanceof double[] a) {
            return java.util.Arrays.stream(a).boxed().toList();
        }
        if (raw instanceof String s) {
            String t = s.trim();
            if (t.startsWith("[") && t.endsWith("]")) {
                t = t.substring(1, t.length() - 1).trim();
            }
            return t.isEmpty() ? List.of() : List.of(t.split("\\s*,\\s*"));
        }
        throw new IllegalArgumentException(where + " must be a list of numbers, got " + raw);
    }

    private static Map<String, List<Double>> toNormalize(Object raw, String where) {
        Object value = raw;
        if (raw instanceof String s) {
            try {
                value = JSON.readValue(s, new TypeReference<LinkedHashMap<String, Object>>() { });
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(where + " is not a valid JSON object: " + abbreviate(s));
            }
        }
        if (!(value instanceof Map<?, ?> m) || !m.containsKey("mean") || !m.containsKey("std") || m.size() != 2) {
            throw new IllegalArgumentException(where + " must be {\"mean\": [...], \"std\": [...]}, got " + raw);
        }
        List<Double> mean = toDoubleList(m.get("mean"), where + " (mean)");
        List<Double> std = toDoubleList(m.get("std"), where + " (std)");
        if (mean.isEmpty() || mean.size() != std.size()) {
            throw new IllegalArgumentException(where + " needs as many means as stds (at least one), got "
                    + mean.size() + " and " + std.size());
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException(where + ": every std must be > 0, got " + std);
            }
        }
        Map<String, List<Double>> out = new LinkedHashMap<>();
        out.put("mean", mean);
        out.put("std", std);
        return Collections.unmodifiableMap(out);
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? "'" + s + "'" : "'" + s.substring(0, 200) + "...'";
    }

    /** {@code arch} and the config JSON, e.g. {@code resnet18 {"stem":"cifar",...}}. */
    @Override
    public String toString() {
        return arch + " " + configJson();
    }
}
