package dev.lethe.data;

import java.util.Arrays;

/**
 * The consistency rules every dataset obeys, each returning what is wrong (without saying
 * where) or null, so that file readers can name the file and in-memory constructors the source.
 */
final class DataChecks {
    private DataChecks() {
    }

    /** At least one image, as many labels as images. */
    static String counts(int images, int labels) {
        if (images == 0) {
            return "the dataset is empty (0 images)";
        }
        if (images != labels) {
            return images + " images but " + labels + " labels";
        }
        return null;
    }

    /** Every label in 0..classes−1 (classes &gt; 0). */
    static String labels(int[] labels, int classes) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                return "label " + labels[i] + " at index " + i + " is outside 0.." + (classes - 1)
                        + " (" + classes + " classes)";
            }
        }
        return null;
    }

    /** Positive image dimensions. */
    static String imageShape(int c, int h, int w) {
        if (c <= 0 || h <= 0 || w <= 0) {
            return "image shape [" + c + ", " + h + ", " + w + "] must be positive";
        }
        return null;
    }

    /** Images of rank 3 [N,H,W] (one channel) or 4 [N,C,H,W], as {N, C, H, W}; null when neither. */
    static int[] imageDims(int[] shape) {
        if (shape.length == 3) {
            return new int[] {shape[0], 1, shape[1], shape[2]};
        }
        if (shape.length == 4) {
            return shape.clone();
        }
        return null;
    }

    static String badImageRank(int[] shape) {
        return "images must be [N, H, W] or [N, C, H, W], got shape " + Arrays.toString(shape);
    }

    /** The smallest class count that holds every label: max + 1. */
    static int inferClasses(int[] labels) {
        int max = 0;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        return max + 1;
    }
}
