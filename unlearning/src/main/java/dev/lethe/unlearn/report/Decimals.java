package dev.lethe.unlearn.report;

import java.util.Locale;

/** How the human-readable reports write numbers: fixed decimals, "n/a" for a value that is NaN or infinite. */
final class Decimals {
    /** What a missing (NaN) or infinite value reads as. */
    static final String MISSING = "n/a";

    private Decimals() {
    }

    /** {@code v} with {@code places} decimals (locale-independent), or {@link #MISSING}. */
    static String of(double v, int places) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + places + "f", v) : MISSING;
    }

    /** {@code v} with 2 decimals, the precision of the tables. */
    static String two(double v) {
        return of(v, 2);
    }
}
