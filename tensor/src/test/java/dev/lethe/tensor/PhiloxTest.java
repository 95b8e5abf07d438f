package dev.lethe.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PhiloxTest {

    /** Known-answer vectors of Philox4x32-10 published with the Random123 library. */
    @Test
    void matchesPublishedKnownAnswers() {
        int[] out = new int[4];
        Philox.philox(new int[] {0, 0, 0, 0}, 0, 0, out);
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, out);
        Philox.philox(new int[] {-1, -1, -1, -1}, -1, -1, out);
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, out);
        Philox.philox(new int[] {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, 0xa4093822, 0x299f31d0, out);
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}, out);
    }

    @Test
    void sameSeedSameStreamAndSplitsAgree() {
        double[] a = new double[10];
        double[] b = new double[10];
        new Philox(42).uniformFloats(a);
        Philox split = new Philox(42);
        double[] first = new double[4];
        double[] rest = new double[6];
        split.uniformFloats(first);
        split.uniformFloats(rest);
        System.arraycopy(first, 0, b, 0, 4);
        System.arraycopy(rest, 0, b, 4, 6);
        assertArrayEquals(a, b, "a request split on a block boundary gives the same numbers");
        new Philox(42).uniformFloats(b);
        assertArrayEquals(a, b);
    }

    @Test
    void distributionsHaveTheRightMoments() {
        int n = 200_000;
        double[] u = new double[n];
        double[] g = new double[n];
        Philox rng = new Philox(7);
        rng.uniformDoubles(u);
        rng.normals(g);
        double mu = 0;
        double mg = 0;
        double vg = 0;
        for (int i = 0; i < n; i++) {
            assertTrue(u[i] >= 0 && u[i] < 1);
            mu += u[i];
            mg += g[i];
            vg += g[i] * g[i];
        }
        // Standard errors: uniform mean 0.29/sqrt(n) = 6.5e-4, normal mean 2.2e-3, variance 3.2e-3.
        assertEquals(0.5, mu / n, 4e-3);
        assertEquals(0.0, mg / n, 1.2e-2);
        assertEquals(1.0, vg / n, 1.6e-2);
        long[] k = new long[n];
        rng.ints(3, 8, k);
        int[] counts = new int[5];
        for (long v : k) {
            counts[(int) v - 3]++;
        }
        for (int c : counts) {
            assertEquals(n / 5.0, c, 1000);
        }
    }
}
