package dev.lethe.unlearn;

/**
 * Counts of values in equal-width bins over [{@code low}, {@code high}]; values outside are
 * clamped into the first or last bin, NaNs are skipped. Used for the distributions a method
 * reports (SSD's importances and dampening factors).
 *
 * @param label  what was counted, e.g. {@code log10 I_D}
 * @param low    the lower edge of the first bin
 * @param high   the upper edge of the last bin
 * @param counts values per bin
 */
public record Histogram(String label, double low, double high, long[] counts) {
    /** Checks the edges and copies the counts. */
    public Histogram {
        if (!(high > low) || counts.length == 0) {
            throw new IllegalArgumentException("a histogram needs low < high and at least one bin, got [" + low + ", "
                    + high + "] with " + counts.length + " bins");
        }
        counts = counts.clone();
    }

    /** The histogram of {@code values} in {@code bins} bins over [low, high]. */
    public static Histogram of(String label, double[] values, int bins, double low, double high) {
        long[] counts = new long[bins];
        double width = (high - low) / bins;
        for (double v : values) {
            if (Double.isNaN(v)) {
                continue;
            }
            int b = (int) Math.floor((v - low) / width);
            counts[Math.max(0, Math.min(bins - 1, b))]++;
        }
        return new Histogram(label, low, high, counts);
    }

    /** The lower edge of bin {@code b}. */
    public double edge(int b) {
        return low + (high - low) * b / counts.length;
    }

    /** The number of values counted. */
    public long total() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }
}
