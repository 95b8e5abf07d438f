package dev.lethe.cuda;

/**
 * The host half of the device's k-th largest value: a most-significant-digit radix select over
 * 64-bit keys whose unsigned order is {@link Double#compare}'s order. Each of eight passes asks
 * the device for a 256-bin histogram of the current digit among the elements that share the
 * digits chosen so far, then descends into the bin holding the wanted rank. Exact for every
 * value (both zeros, infinities, NaN), with integer counts only, so the answer is the CPU's.
 */
final class RadixSelect {
    /** Bits per digit, and so the passes: 64 / 8. */
    static final int DIGIT_BITS = 8;
    static final int BINS = 1 << DIGIT_BITS;

    private RadixSelect() {
    }

    /** One histogram pass: counts per digit at {@code shift} of the keys with {@code key & mask == prefix}. */
    @FunctionalInterface
    interface Histogram {
        long[] count(long prefix, long mask, int shift);
    }

    /**
     * The key of rank {@code rank} (0 = smallest) among {@code n} keys whose histograms
     * {@code histogram} counts.
     */
    static long select(long rank, long n, Histogram histogram) {
        if (rank < 0 || rank >= n) {
            throw new IllegalArgumentException("rank " + rank + " is outside [0, " + n + ")");
        }
        long prefix = 0;
        long mask = 0;
        for (int shift = Long.SIZE - DIGIT_BITS; shift >= 0; shift -= DIGIT_BITS) {
            long[] bins = histogram.count(prefix, mask, shift);
            int digit = 0;
            while (rank >= bins[digit]) {
                rank -= bins[digit];
                digit++;
                if (digit == BINS) {
                    throw new IllegalStateException("the histograms count fewer elements than the rank asked for");
                }
            }
            prefix |= (long) digit << shift;
            mask |= (long) (BINS - 1) << shift;
        }
        return prefix;
    }

    /**
     * The ordered key of {@code v} ({@code orderedKey} in select.cu): every NaN made canonical,
     * then positive values with the sign bit set and negative ones with all bits flipped.
     */
    static long orderedKey(double v) {
        long bits = Double.doubleToLongBits(v); // canonical NaN, as the kernel makes it
        return bits < 0 ? ~bits : bits | Long.MIN_VALUE;
    }

    /** The value of an ordered key. */
    static double value(long key) {
        return Double.longBitsToDouble(key < 0 ? key & Long.MAX_VALUE : ~key);
    }

    /** The digit of {@code key} at {@code shift}. */
    static int digit(long key, int shift) {
        return (int) ((key >>> shift) & (BINS - 1));
    }
}
