package dev.lethe.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.Philox;
import org.junit.jupiter.api.Test;

/** Random crop with zero padding and horizontal flip against a direct pad-slice-mirror model. */
class AugmentTest {

    @Test
    void everyOffsetAndFlipMatchesPadCropMirror() {
        // Two channels of 3×5 with distinct float values, and the same as 8-bit pixels.
        int c = 2;
        int h = 3;
        int w = 5;
        float[] floats = new float[c * h * w];
        byte[] bytes = new byte[c * h * w];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = i + 1;
            bytes[i] = (byte) (10 * i + 5);
        }
        Normalization norm = new Normalization(new double[] {0.25, 0.5}, new double[] {0.5, 0.25});
        Dataset fd = Dataset.ofFloats("f", floats, new int[] {0}, c, h, w, 1);
        Dataset bd = Dataset.ofBytes("b", bytes, new int[] {0}, c, h, w, 1, norm);
        int pad = 2;
        Augment aug = new Augment(pad, true);
        for (Dataset d : new Dataset[] {fd, bd}) {
            float[] plain = new float[c * h * w];
            d.readImage(0, plain, 0);
            for (int oy = 0; oy <= 2 * pad; oy++) {
                for (int ox = 0; ox <= 2 * pad; ox++) {
                    for (int flip = 0; flip < 2; flip++) {
                        Augment.Draws draws = new Augment.Draws(new long[] {oy, ox}, new long[] {flip});
                        float[] out = new float[c * h * w];
                        aug.apply(d, 0, draws, 0, out, 0);
                        assertArrayEquals(model(plain, d, c, h, w, pad, oy, ox, flip == 1), out,
                                d.source() + " oy=" + oy + " ox=" + ox + " flip=" + flip);
                    }
                }
            }
        }
        assertEquals((0f - 0.5f) / 0.25f, bd.zeroValue(1), 0f, "8-bit data pads with a normalised zero pixel");
    }

    /** Pads with the zero value, cuts the window at (oy, ox), mirrors when asked. */
    private static float[] model(float[] img, Dataset d, int c, int h, int w, int pad, int oy, int ox, boolean flip) {
        float[] out = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int cx = flip ? w - 1 - x : x;
                    int sy = y + oy - pad;
                    int sx = cx + ox - pad;
                    boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
                    out[(ch * h + y) * w + x] = inside ? img[(ch * h + sy) * w + sx] : d.zeroValue(ch);
                }
            }
        }
        return out;
    }

    @Test
    void drawsAreFixedBySeedAndCoverTheirRange() {
        Augment aug = Augment.standard(28, 28);
        assertEquals(2, aug.padding());
        assertEquals(4, Augment.standard(32, 32).padding());
        Augment.Draws a = aug.draw(new Philox(11), 4000);
        Augment.Draws b = aug.draw(new Philox(11), 4000);
        assertArrayEquals(a.offsets(), b.offsets());
        assertArrayEquals(a.flips(), b.flips());
        int[] histogram = new int[5];
        for (long o : a.offsets()) {
            histogram[(int) o]++;
        }
        for (int count : histogram) {
            assertTrue(Math.abs(count - 1600) < 200, "offsets uniform over 0..4: " + java.util.Arrays.toString(histogram));
        }
        long flips = java.util.Arrays.stream(a.flips()).sum();
        assertTrue(Math.abs(flips - 2000) < 150, "about half flipped: " + flips);
    }
}
