package dev.lethe.tensor.io;

/**
 * The sizes a host tensor can have, checked by the readers before they allocate anything, so
 * that a header claiming absurd dimensions is rejected with a message instead of an
 * out-of-memory error or an overflowing product.
 */
final class TensorLimits {
    /** Elements per tensor: indices are Java ints. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE;
    /** Bytes per tensor: the capacity of one {@code HostStorage} (a little under 2 GiB). */
    static final long MAX_BYTES = Integer.MAX_VALUE - 64;

    private TensorLimits() {
    }

    /**
     * The product of {@code dims} (each in [0, 2^31-1]), or -1 when it exceeds
     * {@link #MAX_ELEMENTS}. A zero dimension makes the product 0 whatever the others are.
     */
    static long numel(long[] dims) {
        for (long d : dims) {
            if (d == 0) {
                return 0;
            }
        }
        long n = 1;
        for (long d : dims) {
            n *= d; // n <= 2^31-1 and d <= 2^31-1, so this cannot overflow a long
            if (n > MAX_ELEMENTS) {
                return -1;
            }
        }
        return n;
    }
}
