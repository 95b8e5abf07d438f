package dev.lethe.tensor;

/**
 * Philox4x32-10, the counter-based generator of Salmon et al., "Parallel random numbers: as easy
 * as 1, 2, 3" (SC 2011). A 64-bit seed is the key; each 128-bit counter value maps to four
 * independent 32-bit words. Element {@code i} of a request is a pure function of
 * (seed, counter at the request's start, i), so CPU loops and GPU threads that split a request
 * any way produce the same numbers.
 *
 * <p>Layout of a request starting at counter {@code c}: float32 uniforms and int draws use word
 * {@code i % 4} of block {@code c + i/4}; float64 uniforms take words (2·(i%2), 2·(i%2)+1) of block
 * {@code c + i/2}; normals come from Box–Muller on word pairs. After a request of {@code n}
 * elements the counter advances by the number of blocks it used.
 */
public final class Philox {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final double TWO_POW_M24 = 1.0 / (1 << 24);
    private static final double TWO_POW_M32 = 1.0 / 4294967296.0;
    private static final double TWO_POW_M53 = 1.0 / (1L << 53);

    private final long seed;
    private long counter;

    /** A generator whose key is {@code seed}, counter starting at 0. */
    public Philox(long seed) {
        this.seed = seed;
    }

    /** The seed (key) this generator was made with. */
    public long seed() {
        return seed;
    }

    /** The next unused block counter. */
    public long counter() {
        return counter;
    }

    /** Reserves {@code blocks} counter values and returns the first. */
    public synchronized long advance(long blocks) {
        long start = counter;
        counter += blocks;
        return start;
    }

    /** The four words of block {@code ctr} (high counter words 0), written to {@code out[0..4)}. */
    public void block(long ctr, int[] out) {
        philox(new int[] {(int) ctr, (int) (ctr >>> 32), 0, 0}, (int) seed, (int) (seed >>> 32), out);
    }

    /**
     * Ten rounds of Philox4x32 on a full 128-bit counter and 64-bit key (Salmon et al., Fig. 2):
     * each round multiplies words 0 and 2 by the round constants, mixes the high halves with the
     * other words and the key, then bumps the key by the Weyl constants.
     */
    static void philox(int[] counter, int k0, int k1, int[] out) {
        int c0 = counter[0];
        int c1 = counter[1];
        int c2 = counter[2];
        int c3 = counter[3];
        for (int round = 0; round < 10; round++) {
            long p0 = (M0 & 0xFFFFFFFFL) * (c0 & 0xFFFFFFFFL);
            long p1 = (M1 & 0xFFFFFFFFL) * (c2 & 0xFFFFFFFFL);
            int n0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int n1 = (int) p1;
            int n2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            int n3 = (int) p0;
            c0 = n0;
            c1 = n1;
            c2 = n2;
            c3 = n3;
            k0 += W0;
            k1 += W1;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }

    /** Fills {@code out} with uniforms in [0, 1) of float32 resolution (24 bits). */
    public void uniformFloats(double[] out) {
        long start = advance((out.length + 3) / 4);
        int[] w = new int[4];
        for (int i = 0; i < out.length; i++) {
            if ((i & 3) == 0) {
                block(start + i / 4, w);
            }
            out[i] = (w[i & 3] >>> 8) * TWO_POW_M24;
        }
    }

    /** Fills {@code out} with uniforms in [0, 1) of float64 resolution (53 bits). */
    public void uniformDoubles(double[] out) {
        long start = advance((out.length + 1) / 2);
        int[] w = new int[4];
        for (int i = 0; i < out.length; i++) {
            if ((i & 1) == 0) {
                block(start + i / 2, w);
            }
            int j = 2 * (i & 1);
            long bits = ((w[j] & 0xFFFFFFFFL) << 21) ^ ((w[j + 1] & 0xFFFFFFFFL) >>> 11);
            out[i] = (bits & ((1L << 53) - 1)) * TWO_POW_M53;
        }
    }

    /** Fills {@code out} with standard normals (Box–Muller on word pairs of each block). */
    public void normals(double[] out) {
        long start = advance((out.length + 3) / 4);
        int[] w = new int[4];
        for (int i = 0; i < out.length; i++) {
            if ((i & 3) == 0) {
                block(start + i / 4, w);
            }
            int pair = (i & 2);
            // u1 in (0, 1] so the log is finite; u2 in [0, 1).
            double u1 = ((w[pair] & 0xFFFFFFFFL) + 1.0) * TWO_POW_M32;
            double u2 = (w[pair + 1] & 0xFFFFFFFFL) * TWO_POW_M32;
            double r = Math.sqrt(-2.0 * Math.log(u1));
            double theta = 2.0 * Math.PI * u2;
            out[i] = (i & 1) == 0 ? r * Math.cos(theta) : r * Math.sin(theta);
        }
    }

    /** Fills {@code out} with integers uniform in [low, high) (multiply-shift on 32-bit words). */
    public void ints(long low, long high, long[] out) {
        if (high <= low) {
            throw new IllegalArgumentException("randint needs low < high, got [" + low + ", " + high + ")");
        }
        long range = high - low;
        if (range > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("randint range " + range + " exceeds 2^32");
        }
        long start = advance((out.length + 3) / 4);
        int[] w = new int[4];
        for (int i = 0; i < out.length; i++) {
            if ((i & 3) == 0) {
                block(start + i / 4, w);
            }
            out[i] = low + (((w[i & 3] & 0xFFFFFFFFL) * range) >>> 32);
        }
    }

    /** One uniform in [0, 1) of float64 resolution. */
    public double nextDouble() {
        double[] d = new double[1];
        uniformDoubles(d);
        return d[0];
    }

    /** A uniformly random permutation of 0..n-1 (Fisher–Yates driven by this stream). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        if (n < 2) {
            return p;
        }
        double[] u = new double[n - 1];
        uniformDoubles(u);
        for (int i = n - 1; i > 0; i--) {
            int j = (int) (u[n - 1 - i] * (i + 1));
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
