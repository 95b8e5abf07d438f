package dev.lethe.unlearn.report;

import dev.lethe.unlearn.Histogram;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How report.md writes a method's statistics: a number as itself (6 significant digits for
 * fractions, no trailing zeros), a {@link Histogram} as a one-line summary (its data is in report.json and the
 * charts), a short list or flat map inline, a long map as a nested list, a long list as its
 * length and first values.
 */
final class StatisticText {
    private static final int INLINE_ITEMS = 12;
    private static final int INLINE_ENTRIES = 6;

    private StatisticText() {
    }

    /** Markdown list items ("- `key`: value", nested by two spaces per level) for {@code stats}. */
    static List<String> lines(Map<String, Object> stats) {
        List<String> out = new ArrayList<>();
        stats.forEach((k, v) -> entry(out, "", k, v));
        return out;
    }

    private static void entry(List<String> out, String indent, String key, Object value) {
        if (value instanceof Map<?, ?> map && !(map.size() <= INLINE_ENTRIES && flat(map))) {
            out.add(indent + "- `" + key + "` (" + map.size() + " entries):");
            map.forEach((k, v) -> entry(out, indent + "  ", String.valueOf(k), v));
        } else {
            out.add(indent + "- `" + key + "`: " + inline(value));
        }
    }

    private static boolean flat(Map<?, ?> map) {
        return map.values().stream().allMatch(v -> !(v instanceof Map<?, ?>) && !(v instanceof Iterable<?>)
                && (v == null || !v.getClass().isArray()) && !(v instanceof Histogram));
    }

    /** A value on one line. */
    static String inline(Object v) {
        if (v == null) {
            return "—";
        } else if (v instanceof Double || v instanceof Float) {
            return number(((Number) v).doubleValue());
        } else if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        } else if (v instanceof Histogram h) {
            return String.format(Locale.ROOT, "histogram of %s: %d values in %d bins over [%s, %s]", h.label(),
                    h.total(), h.counts().length, number(h.low()), number(h.high()));
        } else if (v instanceof Map<?, ?> map) {
            List<String> parts = new ArrayList<>();
            map.forEach((k, x) -> parts.add(k + ": " + inline(x)));
            return String.join(", ", parts);
        } else if (v instanceof Iterable<?> items) {
            List<Object> all = new ArrayList<>();
            items.forEach(all::add);
            return sequence(all);
        } else if (v.getClass().isArray()) {
            List<Object> all = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) {
                all.add(Array.get(v, i));
            }
            return sequence(all);
        }
        return v.toString().replace("\n", " ");
    }

    private static String sequence(List<Object> all) {
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < Math.min(all.size(), INLINE_ITEMS); i++) {
            shown.add(inline(all.get(i)));
        }
        String text = "[" + String.join(", ", shown) + (all.size() > INLINE_ITEMS ? ", …]" : "]");
        return all.size() > INLINE_ITEMS ? all.size() + " values " + text : text;
    }

    private static String number(double v) {
        if (!Double.isFinite(v)) {
            return Decimals.MISSING;
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toString();
    }
}
