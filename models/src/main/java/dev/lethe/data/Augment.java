package dev.lethe.data;

import dev.lethe.tensor.Philox;
import java.util.Arrays;

/**
 * Training-time augmentation as torchvision's {@code RandomCrop(size, padding)} followed by
 * {@code RandomHorizontalFlip()}: the image is padded by {@code padding} zero pixels on every
 * side, an H×W window at a uniformly drawn offset (0..2·padding in each direction) is cut out,
 * and with probability ½ it is mirrored left to right. Padding is a zero <em>pixel</em>, so 8-bit
 * data pads with the normalised value of 0 ({@link Dataset#zeroValue(int)}), as the usual
 * crop-before-normalise pipeline does; float32 data pads with 0.
 *
 * <p>The offsets and flips come from a {@link Philox} stream ({@link #draw}), so a seed fixes
 * them; rows are copied as runs, never pixel by pixel through a call.
 *
 * @param padding pixels added on each side (0: no cropping)
 * @param flip    whether to mirror half of the images
 */
public record Augment(int padding, boolean flip) {
    /** No augmentation. */
    public static final Augment NONE = new Augment(0, false);

    /** Checks the padding. */
    public Augment {
        if (padding < 0) {
            throw new IllegalArgumentException("augmentation padding must be >= 0, got " + padding);
        }
    }

    /**
     * MODELS.md's augmentation for an image size: crop with 2 px of padding for images up to
     * 28×28 (Fashion-MNIST), 4 px for larger ones (CIFAR's 32×32), and flip.
     */
    public static Augment standard(int height, int width) {
        return new Augment(Math.max(height, width) <= 28 ? 2 : 4, true);
    }

    /** True when this augmentation changes nothing. */
    public boolean isNone() {
        return padding == 0 && !flip;
    }

    /**
     * The random choices for {@code count} images, drawn from {@code rng}: first all crop
     * offsets (y then x per image, uniform in 0..2·padding), then all flips (uniform in {0, 1}).
     * Nothing is drawn for a part that is off.
     */
    public Draws draw(Philox rng, int count) {
        long[] offsets = new long[padding > 0 ? 2 * count : 0];
        long[] flips = new long[flip ? count : 0];
        if (offsets.length > 0) {
            rng.ints(0, 2L * padding + 1, offsets);
        }
        if (flips.length > 0) {
            rng.ints(0, 2, flips);
        }
        return new Draws(offsets, flips);
    }

    /**
     * The draws for one batch.
     *
     * @param offsets per image k the crop offsets (y at 2k, x at 2k+1) in the padded image; empty when cropping is off
     * @param flips   per image 1 to mirror, 0 not; empty when flipping is off
     */
    public record Draws(long[] offsets, long[] flips) {
        int offsetY(int k) {
            return offsets.length == 0 ? 0 : (int) offsets[2 * k];
        }

        int offsetX(int k) {
            return offsets.length == 0 ? 0 : (int) offsets[2 * k + 1];
        }

        boolean flipped(int k) {
            return flips.length != 0 && flips[k] != 0;
        }
    }

    /**
     * Writes image {@code index} of {@code data}, augmented by draw {@code k} of {@code draws},
     * into {@code dst[offset..offset + C·H·W)}: out(y, x) = padded(y + oy, x' + ox) with
     * x' = W−1−x when flipped, else x.
     */
    public void apply(Dataset data, int index, Draws draws, int k, float[] dst, int offset) {
        if (isNone()) {
            data.readImage(index, dst, offset);
            return;
        }
        int h = data.height();
        int w = data.width();
        int dy = draws.offsetY(k) - padding; // source row of output row y is y + dy
        int dx = draws.offsetX(k) - padding;
        // Output columns whose source column x + dx lies inside the image.
        int x0 = Math.max(0, -dx);
        int x1 = Math.min(w, w - dx);
        for (int c = 0; c < data.channels(); c++) {
            float pad = data.zeroValue(c);
            for (int y = 0; y < h; y++) {
                int row = offset + (c * h + y) * w;
                int sy = y + dy;
                if (sy < 0 || sy >= h || x0 >= x1) {
                    Arrays.fill(dst, row, row + w, pad);
                    continue;
                }
                Arrays.fill(dst, row, row + x0, pad);
                data.readRow(index, c, sy, x0 + dx, x1 - x0, dst, row + x0);
                Arrays.fill(dst, row + x1, row + w, pad);
                if (draws.flipped(k)) {
                    reverse(dst, row, row + w);
                }
            }
        }
    }

    private static void reverse(float[] a, int from, int to) {
        for (int i = from, j = to - 1; i < j; i++, j--) {
            float t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
