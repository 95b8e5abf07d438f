package dev.lethe.unlearn.ssd;

import dev.lethe.tensor.Tensor;
import dev.lethe.unlearn.Histogram;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The distributions of log10 I_D and log10 I_f over every scalar parameter with a positive
 * (finite) importance (UNLEARNING.md SSD step 5), in one set of bins for both, so the two can be laid
 * over each other: {@value #BINS} bins from the floor of the smallest to the ceiling of the
 * largest log10 importance of either. Built tensor by tensor, so no array of all the scalars of
 * a large model is ever held.
 */
final class ImportanceHistograms {
    /** Bins of each importance histogram. */
    static final int BINS = 40;

    private ImportanceHistograms() {
    }

    /** The histograms of log10 I_D ("log10 I_D") and log10 I_f ("log10 I_f"), in that order. */
    static List<Histogram> of(Collection<Tensor> importanceData, Collection<Tensor> importanceForget) {
        double[] range = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (Collection<Tensor> set : List.of(importanceData, importanceForget)) {
            for (Tensor t : set) {
                for (double v : positiveLog10(t)) {
                    range[0] = Math.min(range[0], v);
                    range[1] = Math.max(range[1], v);
                }
            }
        }
        double low = range[0] <= range[1] ? Math.floor(range[0]) : -1; // no positive importance at all: any range
        double high = range[0] <= range[1] ? Math.ceil(range[1]) : 0;
        if (high <= low) {
            high = low + 1;
        }
        return List.of(histogram("log10 I_D", importanceData, low, high),
                histogram("log10 I_f", importanceForget, low, high));
    }

    private static Histogram histogram(String label, Collection<Tensor> importances, double low, double high) {
        long[] counts = new long[BINS];
        for (Tensor t : importances) {
            long[] part = Histogram.of(label, positiveLog10(t), BINS, low, high).counts();
            for (int b = 0; b < BINS; b++) {
                counts[b] += part[b];
            }
        }
        return new Histogram(label, low, high, counts);
    }

    /** log10 of the positive finite entries of {@code t}. */
    private static double[] positiveLog10(Tensor t) {
        double[] v = t.toDoubleArray();
        int n = 0;
        for (double x : v) {
            if (x > 0 && x < Double.POSITIVE_INFINITY) {
                v[n++] = Math.log10(x);
            }
        }
        return Arrays.copyOf(v, n);
    }
}
