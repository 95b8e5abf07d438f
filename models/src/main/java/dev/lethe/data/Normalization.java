package dev.lethe.data;

import java.util.Arrays;

/**
 * How 8-bit pixels become model inputs, as torchvision's {@code ToTensor()} then
 * {@code Normalize(mean, std)} compute it in float32: {@code x = ((float) b / 255f − mean_c) / std_c}.
 * A single mean/std applies to every channel (PyTorch broadcasts it the same way).
 *
 * <p>Because the input has only 256 values, each channel's results are tabulated once
 * ({@link #table(int)}), which makes conversion a lookup and keeps it bit-identical to PyTorch.
 */
public final class Normalization {
    /** Fashion-MNIST's statistics (MODELS.md): mean 0.2860, std 0.3530. */
    public static final Normalization FASHION_MNIST = new Normalization(new double[] {0.2860}, new double[] {0.3530});

    /** Only the division by 255 (mean 0, std 1). */
    public static final Normalization SCALE_ONLY = new Normalization(new double[] {0.0}, new double[] {1.0});

    private final double[] mean;
    private final double[] std;

    /** Per-channel mean and standard deviation (equal lengths; one value applies to every channel). */
    public Normalization(double[] mean, double[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("normalisation needs as many means as stds (at least one), got "
                    + Arrays.toString(mean) + " and " + Arrays.toString(std));
        }
        for (double s : std) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException("normalisation std must be finite and > 0, got "
                        + Arrays.toString(std));
            }
        }
        for (double m : mean) {
            if (!Double.isFinite(m)) {
                throw new IllegalArgumentException("normalisation mean must be finite, got " + Arrays.toString(mean));
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** The means, one per channel or one for all. */
    public double[] mean() {
        return mean.clone();
    }

    /** The standard deviations, one per channel or one for all. */
    public double[] std() {
        return std.clone();
    }

    /** Number of channels this normalisation names (1 means: any number, all alike). */
    public int channels() {
        return mean.length;
    }

    /** True when this normalisation can be applied to images of {@code c} channels. */
    public boolean fits(int c) {
        return mean.length == 1 || mean.length == c;
    }

    /** The 256 normalised values of channel {@code c}, indexed by the pixel byte (unsigned). */
    public float[] table(int c) {
        int k = mean.length == 1 ? 0 : c;
        float m = (float) mean[k];
        float s = (float) std[k];
        float[] t = new float[256];
        for (int b = 0; b < 256; b++) {
            t[b] = (b / 255f - m) / s;
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization(mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + ")";
    }
}
