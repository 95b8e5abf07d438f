package dev.lethe.unlearn;

import dev.lethe.data.Dataset;
import dev.lethe.tensor.Philox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Parses the text that names a forget set (CLI.md's {@code SPEC}) against a training set:
 * <ul>
 * <li>{@code class:K[,K2...]} — every sample of the named classes;</li>
 * <li>{@code random:FRACTION[:SEED]} — ⌊FRACTION·N⌋ indices drawn by a partial Fisher–Yates
 * shuffle of 0..N−1 from {@code Philox(SEED)} (default 0), then sorted;</li>
 * <li>{@code indices:FILE} — one zero-based index per line, whitespace and blank lines
 * ignored, any order; duplicates and out-of-range indices are errors;</li>
 * <li>{@code range:A-B} — A..B inclusive.</li>
 * </ul>
 * A spec that does not parse is an {@link InvalidHyperparameterException} (a usage error); one
 * that parses but does not fit the data (a class that does not exist, an index out of range, an
 * empty set, all of D) is a {@link BadRequestException}.
 */
public final class ForgetSpec {
    private ForgetSpec() {
    }

    /** The forget set {@code spec} names in {@code data}. */
    public static ForgetSet parse(String spec, Dataset data) throws IOException {
        String s = spec.strip();
        int colon = s.indexOf(':');
        if (colon < 0) {
            throw usage(spec);
        }
        String kind = s.substring(0, colon).toLowerCase(Locale.ROOT);
        String arg = s.substring(colon + 1).strip();
        return switch (kind) {
            case "class" -> ForgetSet.of(classes(arg, data), data.size(), "class:" + arg);
            case "random" -> random(arg, data.size());
            case "indices" -> ForgetSet.of(indexFile(Path.of(arg)), data.size(), "indices:" + arg);
            case "range" -> ForgetSet.of(range(arg, spec), data.size(), "range:" + arg);
            default -> throw usage(spec);
        };
    }

    /** The indices of every sample whose label is one of the comma-separated classes in {@code arg}. */
    private static int[] classes(String arg, Dataset data) {
        boolean[] wanted = new boolean[data.numClasses()];
        for (String part : arg.split(",")) {
            int c;
            try {
                c = Integer.parseInt(part.strip());
            } catch (NumberFormatException e) {
                throw new InvalidHyperparameterException("class:" + arg + " needs class numbers, got '" + part + "'");
            }
            if (c < 0 || c >= data.numClasses()) {
                throw new BadRequestException("class " + c + " does not exist: " + data.source() + " has classes 0.."
                        + (data.numClasses() - 1));
            }
            wanted[c] = true;
        }
        int[] labels = data.labels();
        return java.util.stream.IntStream.range(0, labels.length).filter(i -> wanted[labels[i]]).toArray();
    }

    /** {@code FRACTION[:SEED]}: a partial Fisher–Yates shuffle of 0..n−1, the first ⌊f·n⌋ positions, sorted. */
    private static ForgetSet random(String arg, int n) {
        String[] parts = arg.split(":");
        if (parts.length > 2) {
            throw usage("random:" + arg);
        }
        double fraction;
        long seed = 0;
        try {
            fraction = Double.parseDouble(parts[0].strip());
            if (parts.length == 2) {
                seed = Long.parseLong(parts[1].strip());
            }
        } catch (NumberFormatException e) {
            throw usage("random:" + arg);
        }
        if (!(fraction > 0 && fraction < 1)) {
            throw new InvalidHyperparameterException("random:FRACTION needs 0 < FRACTION < 1, got " + parts[0]);
        }
        return ForgetSet.of(randomIndices(n, (int) Math.floor(fraction * n), seed), n,
                "random:" + parts[0].strip() + ":" + seed);
    }

    /**
     * {@code k} distinct indices of 0..n−1, uniformly drawn: the first {@code k} steps of a
     * Fisher–Yates shuffle (position i swaps with i + ⌊u_i·(n − i)⌋, u_i from
     * {@code Philox(seed)}), sorted.
     */
    public static int[] randomIndices(int n, int k, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        double[] u = new double[k];
        new Philox(seed).uniformDoubles(u);
        for (int i = 0; i < k; i++) {
            int j = i + (int) (u[i] * (n - i));
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        int[] out = Arrays.copyOf(p, k);
        Arrays.sort(out);
        return out;
    }

    private static int[] indexFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString());
        }
        List<String> lines = Files.readAllLines(file);
        int[] out = new int[lines.size()];
        int n = 0;
        for (int line = 0; line < lines.size(); line++) {
            for (String token : lines.get(line).strip().split("\\s+")) {
                if (token.isEmpty()) {
                    continue;
                }
                try {
                    if (n == out.length) {
                        out = Arrays.copyOf(out, 2 * n + 1);
                    }
                    out[n++] = Integer.parseInt(token);
                } catch (NumberFormatException e) {
                    throw new BadRequestException(file + " line " + (line + 1) + ": '" + token
                            + "' is not a zero-based index");
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static int[] range(String arg, String spec) {
        String[] ab = arg.split("-");
        if (ab.length != 2) {
            throw usage(spec);
        }
        int a;
        int b;
        try {
            a = Integer.parseInt(ab[0].strip());
            b = Integer.parseInt(ab[1].strip());
        } catch (NumberFormatException e) {
            throw usage(spec);
        }
        if (b < a) {
            throw new BadRequestException("range:" + arg + " is empty (B < A)");
        }
        List<Integer> out = new ArrayList<>();
        for (long i = a; i <= b; i++) {
            out.add((int) i);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static InvalidHyperparameterException usage(String spec) {
        return new InvalidHyperparameterException("cannot read the forget set '" + spec
                + "'; expected class:K[,K2...], random:FRACTION[:SEED], indices:FILE or range:A-B");
    }
}
