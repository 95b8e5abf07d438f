package dev.lethe.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The host half of the device's k-th largest value, driven by a Java histogram that counts as
 * {@code radix_histogram_*} does, against sorting by {@link Double#compare} (the CPU's order).
 */
class RadixSelectTest {

    /** What one kernel pass computes, over a host array. */
    private static RadixSelect.Histogram over(double[] values, int[] passes) {
        return (prefix, mask, shift) -> {
            passes[0]++;
            long[] bins = new long[RadixSelect.BINS];
            for (double v : values) {
                long key = RadixSelect.orderedKey(v);
                if ((key & mask) == prefix) {
                    bins[RadixSelect.digit(key, shift)]++;
                }
            }
            return bins;
        };
    }

    private static double kthLargest(double[] values, long k, int[] passes) {
        return RadixSelect.value(RadixSelect.select(values.length - k, values.length, over(values, passes)));
    }

    @Test
    void orderedKeysSortAsDoubleCompare() {
        double[] v = {Double.NEGATIVE_INFINITY, -1e300, -1.5, -Double.MIN_VALUE, -0.0, 0.0, Double.MIN_VALUE, 1.0,
            2.5e-10, Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NaN};
        Arrays.sort(v);
        for (int i = 0; i + 1 < v.length; i++) {
            assertTrue(Long.compareUnsigned(RadixSelect.orderedKey(v[i]), RadixSelect.orderedKey(v[i + 1])) < 0,
                    v[i] + " must order below " + v[i + 1]);
        }
        for (double x : v) {
            assertEquals(0, Double.compare(x, RadixSelect.value(RadixSelect.orderedKey(x))), "round trip of " + x);
        }
        assertEquals(RadixSelect.orderedKey(Double.NaN),
                RadixSelect.orderedKey(Double.longBitsToDouble(0xfff0000000000001L)), "every NaN is the canonical one");
    }

    @Test
    void everyRankOfValuesWithTiesZerosInfinitiesAndNanMatchesSorting() {
        Random r = new Random(7);
        double[] v = new double[300];
        for (int i = 0; i < v.length; i++) {
            switch (r.nextInt(8)) {
                case 0 -> v[i] = 0.0;
                case 1 -> v[i] = -0.0;
                case 2 -> v[i] = r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
                case 3 -> v[i] = Double.NaN;
                case 4 -> v[i] = (float) r.nextGaussian(); // float32 values, as a saliency holds
                default -> v[i] = Math.rint(r.nextGaussian() * 3); // many exact ties
            }
        }
        double[] sorted = v.clone();
        Arrays.sort(sorted); // Double.compare order
        int[] passes = {0};
        for (int k = 1; k <= v.length; k++) {
            double want = sorted[v.length - k];
            double got = kthLargest(v, k, passes);
            assertEquals(0, Double.compare(want, got), "k = " + k + ": " + got + " instead of " + want);
        }
        assertEquals(8 * v.length, passes[0], "eight 8-bit passes per selection");
    }

    @Test
    void singleValuesAndBadRanks() {
        int[] passes = {0};
        assertEquals(-3.0, kthLargest(new double[] {-3.0}, 1, passes));
        assertThrows(IllegalArgumentException.class, () -> RadixSelect.select(1, 1, over(new double[] {1}, passes)));
        assertThrows(IllegalArgumentException.class, () -> RadixSelect.select(-1, 1, over(new double[] {1}, passes)));
        // a histogram that undercounts (a kernel fault) is an exception, never a wrong answer
        assertThrows(IllegalStateException.class,
                () -> RadixSelect.select(0, 1, (prefix, mask, shift) -> new long[RadixSelect.BINS]));
    }
}
