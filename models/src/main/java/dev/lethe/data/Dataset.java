package dev.lethe.data;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.Tensor;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Arrays;

/**
 * Labelled images held on the Java heap: N images of C×H×W pixels, either 8-bit (normalised when
 * read, see {@link Normalization}) or float32 already normalised, and N labels in
 * 0..{@code numClasses}−1. Immutable; batches are produced as new tensors
 * ({@link #images(int[])}, {@link #labels(int[])}) or written into caller arrays row by row
 * ({@link #readRow}), which is what loaders and augmentation use.
 *
 * <p>The heap keeps a dataset's lifetime out of {@link dev.lethe.tensor.MemoryScope}s (it
 * outlives any one of them), and 8-bit pixels take a quarter of the memory of floats.
 */
public final class Dataset {
    private final String source;
    private final int size;
    private final int channels;
    private final int height;
    private final int width;
    private final int numClasses;
    private final byte[] bytes;
    private final float[] floats;
    private final Normalization normalization;
    private final float[][] tables;
    private final int[] labels;

    private Dataset(String source, byte[] bytes, float[] floats, Normalization normalization, int[] labels,
                    int channels, int height, int width, int numClasses) {
        this.source = source;
        this.bytes = bytes;
        this.floats = floats;
        this.normalization = normalization;
        this.labels = labels;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.size = labels.length;
        this.numClasses = numClasses;
        String problem = DataChecks.imageShape(channels, height, width);
        long stored = bytes != null ? bytes.length : floats.length;
        long perImage = (long) channels * height * width;
        if (problem == null && stored % perImage != 0) {
            problem = stored + " pixel values are not a whole number of " + channels + "×" + height + "×" + width
                    + " images";
        }
        if (problem == null) {
            problem = DataChecks.counts((int) (stored / perImage), labels.length);
        }
        if (problem == null && numClasses <= 0) {
            problem = "numClasses must be > 0, got " + numClasses;
        }
        if (problem == null) {
            problem = DataChecks.labels(labels, numClasses);
        }
        if (problem == null && normalization != null && !normalization.fits(channels)) {
            problem = normalization + " has " + normalization.channels() + " channels, the images have " + channels;
        }
        if (problem != null) {
            throw new IllegalArgumentException(source + ": " + problem);
        }
        if (bytes != null) {
            this.tables = new float[channels][];
            for (int c = 0; c < channels; c++) {
                tables[c] = normalization.table(c);
            }
        } else {
            this.tables = null;
        }
    }

    /**
     * A dataset of 8-bit images ({@code pixels}: N·C·H·W bytes, row-major, read as unsigned)
     * normalised with {@code normalization} when read. The arrays are taken, not copied.
     *
     * @param numClasses the number of classes; 0 or less: the largest label + 1
     */
    public static Dataset ofBytes(String source, byte[] pixels, int[] labels, int channels, int height, int width,
                                  int numClasses, Normalization normalization) {
        if (normalization == null) {
            throw new IllegalArgumentException(source + ": 8-bit images need a normalisation");
        }
        return new Dataset(source, pixels, null, normalization, labels, channels, height, width,
                numClasses > 0 ? numClasses : DataChecks.inferClasses(labels));
    }

    /** A dataset of float32 images, already normalised; see {@link #ofBytes} for the arguments. */
    public static Dataset ofFloats(String source, float[] pixels, int[] labels, int channels, int height, int width,
                                   int numClasses) {
        return new Dataset(source, null, pixels, null, labels, channels, height, width,
                numClasses > 0 ? numClasses : DataChecks.inferClasses(labels));
    }

    /** Where the data came from (a file, or a description), for messages. */
    public String source() {
        return source;
    }

    /** Number of images N. */
    public int size() {
        return size;
    }

    /** Channels C. */
    public int channels() {
        return channels;
    }

    /** Height H. */
    public int height() {
        return height;
    }

    /** Width W. */
    public int width() {
        return width;
    }

    /** Values per image, C·H·W. */
    public int imageSize() {
        return channels * height * width;
    }

    /** Number of classes; every label is below it. */
    public int numClasses() {
        return numClasses;
    }

    /** True when the pixels are 8-bit (normalised on reading), false for float32 data. */
    public boolean isEightBit() {
        return bytes != null;
    }

    /** The normalisation applied to 8-bit pixels, or null for float32 data. */
    public Normalization normalization() {
        return normalization;
    }

    /** The label of image {@code i}. */
    public int label(int i) {
        return labels[i];
    }

    /** A copy of all labels. */
    public int[] labels() {
        return labels.clone();
    }

    /** Images per class, indexed by class. */
    public int[] classCounts() {
        int[] counts = new int[numClasses];
        for (int l : labels) {
            counts[l]++;
        }
        return counts;
    }

    /**
     * Throws an IllegalArgumentException naming the source and both shapes unless the images are
     * {@code c×h×w} (e.g. what a model expects).
     */
    public Dataset requireImageShape(int c, int h, int w) {
        if (c != channels || h != height || w != width) {
            throw new IllegalArgumentException(source + ": images are " + channels + "×" + height + "×" + width
                    + " (C×H×W), expected " + c + "×" + h + "×" + w);
        }
        return this;
    }

    /** The images at {@code indices}, in that order, as a new dataset (pixels copied). */
    public Dataset subset(int[] indices, String description) {
        int n = imageSize();
        int[] y = new int[indices.length];
        byte[] b = bytes != null ? new byte[indices.length * n] : null;
        float[] f = floats != null ? new float[indices.length * n] : null;
        for (int k = 0; k < indices.length; k++) {
            int i = checkIndex(indices[k]);
            y[k] = labels[i];
            if (b != null) {
                System.arraycopy(bytes, i * n, b, k * n, n);
            } else {
                System.arraycopy(floats, i * n, f, k * n, n);
            }
        }
        return new Dataset(source + " (" + description + ")", b, f, normalization, y, channels, height, width,
                numClasses);
    }

    /**
     * Writes {@code length} normalised values of image {@code index}, channel {@code c}, row
     * {@code row}, starting at column {@code col}, into {@code dst[offset..]}.
     */
    public void readRow(int index, int c, int row, int col, int length, float[] dst, int offset) {
        int src = ((index * channels + c) * height + row) * width + col;
        if (bytes != null) {
            float[] table = tables[c];
            for (int x = 0; x < length; x++) {
                dst[offset + x] = table[bytes[src + x] & 0xff];
            }
        } else {
            System.arraycopy(floats, src, dst, offset, length);
        }
    }

    /** Writes the C·H·W normalised values of image {@code index} into {@code dst[offset..]}. */
    public void readImage(int index, float[] dst, int offset) {
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            int src = (index * channels + c) * plane;
            int out = offset + c * plane;
            if (bytes != null) {
                float[] table = tables[c];
                for (int x = 0; x < plane; x++) {
                    dst[out + x] = table[bytes[src + x] & 0xff];
                }
            } else {
                System.arraycopy(floats, src, dst, out, plane);
            }
        }
    }

    /** The 8-bit pixels themselves (not a copy), or null for float32 data. */
    byte[] rawBytes() {
        return bytes;
    }

    /** The float32 pixels themselves (not a copy), or null for 8-bit data. */
    float[] rawFloats() {
        return floats;
    }

    /** The normalised value of a zero pixel in channel {@code c}: what zero padding adds. */
    public float zeroValue(int c) {
        return bytes != null ? tables[c][0] : 0f;
    }

    /** The normalised images at {@code indices} as a new float32 tensor [k, C, H, W] in the current scope. */
    public Tensor images(int[] indices) {
        float[] buf = new float[indices.length * imageSize()];
        for (int k = 0; k < indices.length; k++) {
            readImage(checkIndex(indices[k]), buf, k * imageSize());
        }
        Tensor t = Tensor.empty(DType.FLOAT32, indices.length, channels, height, width);
        FloatBuffer dst = ((HostStorage) t.storage()).floats();
        dst.put(0, buf);
        return t;
    }

    /** The labels at {@code indices} as a new int64 tensor [k] in the current scope. */
    public Tensor labels(int[] indices) {
        long[] buf = new long[indices.length];
        for (int k = 0; k < indices.length; k++) {
            buf[k] = labels[checkIndex(indices[k])];
        }
        Tensor t = Tensor.empty(DType.INT64, indices.length);
        LongBuffer dst = ((HostStorage) t.storage()).longs();
        dst.put(0, buf);
        return t;
    }

    /** 0, 1, ..., N−1: every index in file order. */
    public int[] allIndices() {
        int[] all = new int[size];
        Arrays.setAll(all, i -> i);
        return all;
    }

    private int checkIndex(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("index " + i + " is outside the " + size + " images of " + source);
        }
        return i;
    }

    @Override
    public String toString() {
        return "Dataset(" + source + ": " + size + " × " + channels + "×" + height + "×" + width + ", "
                + numClasses + " classes, " + (bytes != null ? "8-bit, " + normalization : "float32") + ")";
    }
}
