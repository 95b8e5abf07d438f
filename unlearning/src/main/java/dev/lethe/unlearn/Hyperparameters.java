package dev.lethe.unlearn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A method's hyper-parameters as given ({@code --set key=value}): text by key, read through
 * typed getters that apply the method's default and check the range. Every getter records the
 * key as known, so {@link #requireAllUsed(String)} can name keys no method reads (a typo must
 * not silently fall back to a default). Errors are {@link InvalidHyperparameterException}s.
 */
public final class Hyperparameters {
    private final Map<String, String> values;
    private final Set<String> read = new LinkedHashSet<>();

    private Hyperparameters(Map<String, String> values) {
        this.values = values;
    }

    /** The given pairs (copied; keys as given, values stripped). */
    public static Hyperparameters of(Map<String, String> values) {
        Map<String, String> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(k, v.strip()));
        return new Hyperparameters(copy);
    }

    /** None given: every getter returns its default. */
    public static Hyperparameters none() {
        return new Hyperparameters(new LinkedHashMap<>());
    }

    /** This set with {@code key} set to {@code value} (a new object; this one is unchanged). */
    public Hyperparameters with(String key, Object value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, String.valueOf(value));
        return new Hyperparameters(copy);
    }

    /** The given pairs (read-only). */
    public Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    /** Whether {@code key} was given. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** A number &gt; 0 (e.g. α, λ, γ, a learning rate). */
    public double positive(String key, double fallback) {
        double v = number(key, fallback);
        if (!(v > 0)) {
            throw new InvalidHyperparameterException(key + " must be > 0, got " + text(key, v));
        }
        return v;
    }

    /** A number &ge; 0 (e.g. weight decay, an ℓ1 weight). */
    public double nonNegative(String key, double fallback) {
        double v = number(key, fallback);
        if (!(v >= 0)) {
            throw new InvalidHyperparameterException(key + " must be >= 0, got " + text(key, v));
        }
        return v;
    }

    /** A fraction in (0, 1] (e.g. SalUn's mask ratio). */
    public double fraction(String key, double fallback) {
        double v = number(key, fallback);
        if (!(v > 0 && v <= 1)) {
            throw new InvalidHyperparameterException(key + " must be in (0, 1], got " + text(key, v));
        }
        return v;
    }

    /** A finite number in [{@code min}, {@code max}]. */
    public double inRange(String key, double fallback, double min, double max) {
        double v = number(key, fallback);
        if (!(v >= min && v <= max)) {
            throw new InvalidHyperparameterException(key + " must be in [" + min + ", " + max + "], got "
                    + text(key, v));
        }
        return v;
    }

    /** An integer &ge; {@code min} (e.g. epochs &ge; 1, a batch size &ge; 1). */
    public int integer(String key, int fallback, int min) {
        read.add(key);
        String s = values.get(key);
        int v;
        if (s == null) {
            v = fallback;
        } else {
            try {
                v = Integer.parseInt(s);
            } catch (NumberFormatException e) {
                throw new InvalidHyperparameterException(key + " must be an integer, got '" + s + "'");
            }
        }
        if (v < min) {
            throw new InvalidHyperparameterException(key + " must be >= " + min + ", got " + v);
        }
        return v;
    }

    /** A 64-bit integer (a seed). */
    public long seed(String key, long fallback) {
        read.add(key);
        String s = values.get(key);
        if (s == null) {
            return fallback;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new InvalidHyperparameterException(key + " must be an integer, got '" + s + "'");
        }
    }

    /** One of {@code choices} (case-insensitive; returned in lower case). */
    public String choice(String key, String fallback, String... choices) {
        read.add(key);
        String s = values.getOrDefault(key, fallback).toLowerCase(Locale.ROOT);
        for (String c : choices) {
            if (c.equals(s)) {
                return s;
            }
        }
        throw new InvalidHyperparameterException(key + " must be one of " + String.join(", ", choices) + ", got '"
                + s + "'");
    }

    /** A boolean ({@code true/false, yes/no, on/off, 1/0}). */
    public boolean flag(String key, boolean fallback) {
        read.add(key);
        String s = values.get(key);
        if (s == null) {
            return fallback;
        }
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new InvalidHyperparameterException(key + " must be true or false, got '" + s + "'");
        };
    }

    /**
     * Throws an {@link InvalidHyperparameterException} naming every given key no getter has
     * read, and the keys {@code method} knows.
     */
    public void requireAllUsed(String method) {
        Set<String> unknown = new LinkedHashSet<>(values.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new InvalidHyperparameterException("unknown " + (unknown.size() == 1 ? "key " : "keys ")
                    + String.join(", ", unknown) + " for " + method + "; it takes " + String.join(", ", read));
        }
    }

    private double number(String key, double fallback) {
        read.add(key);
        String s = values.get(key);
        if (s == null) {
            return fallback;
        }
        try {
            double v = Double.parseDouble(s);
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidHyperparameterException(key + " must be a finite number, got '" + s + "'");
        }
    }

    private String text(String key, double v) {
        return values.containsKey(key) ? values.get(key) : Double.toString(v);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
