package dev.lethe.train;

/**
 * Independent random streams from one user seed. A training run with seed s initialises the
 * model from {@code Philox(s)} (done by whoever builds it), shuffles and augments the data from
 * {@code Philox(derive(s, DATA))} and draws dropout masks from {@code Philox(derive(s, DROPOUT))}:
 * different Philox keys, so the streams never overlap, whatever each one consumes.
 */
public final class Seeds {
    /** The stream of data order and augmentation. */
    public static final long DATA = 1;
    /** The stream of dropout masks. */
    public static final long DROPOUT = 2;

    private Seeds() {
    }

    /**
     * The key of stream {@code stream} of {@code seed}: SplitMix64's output function (Steele et
     * al. 2014) applied to {@code seed + stream · γ}, γ = 0x9E3779B97F4A7C15, which maps nearby
     * inputs to unrelated keys.
     */
    public static long derive(long seed, long stream) {
        long z = seed + stream * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
