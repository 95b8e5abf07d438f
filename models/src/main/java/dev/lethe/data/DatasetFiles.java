package dev.lethe.data;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.Idx;
import dev.lethe.tensor.io.MalformedFileException;
import dev.lethe.tensor.io.SafeTensorsDType;
import dev.lethe.tensor.io.SafeTensorsHeader;
import dev.lethe.tensor.io.SafeTensorsReader;
import dev.lethe.tensor.io.SafeTensorsWriter;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Set;

/**
 * Reads datasets from IDX pairs and safetensors files, and writes the latter. Every problem
 * with the content is a {@link MalformedFileException} naming the file at fault and the values:
 * no images, images and labels of different counts, a label outside 0..classes−1, an 8-bit pixel
 * outside 0..255, images that are not [N,H,W] / [N,C,H,W], a normalisation for another channel
 * count.
 */
public final class DatasetFiles {
    private static final Set<SafeTensorsDType> IMAGE_TYPES = Set.of(SafeTensorsDType.U8, SafeTensorsDType.F32);
    private static final Set<SafeTensorsDType> LABEL_TYPES = Set.of(SafeTensorsDType.I64, SafeTensorsDType.I32);

    /** Metadata key of the class count, used when the reader is not told one. */
    public static final String NUM_CLASSES_KEY = "lethe.num_classes";

    private DatasetFiles() {
    }

    /**
     * An IDX pair (gzipped or not): images [N,H,W] or [N,C,H,W] of unsigned bytes (normalised by
     * {@code normalization} when read) or floats (used as they are), labels [N].
     *
     * @param numClasses the number of classes; 0 or less: the largest label + 1
     */
    public static Dataset readIdx(Path images, Path labels, Normalization normalization, int numClasses)
            throws IOException {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor x = Idx.read(images);
            Tensor y = Idx.read(labels);
            if (x.dtype() == DType.FLOAT64) {
                x = x.to(DType.FLOAT32);
            }
            return build("idx:" + images + "," + labels, images, x, labels, y, numClasses, normalization);
        }
    }

    /**
     * A safetensors file with {@code images} [N,C,H,W] (or [N,H,W]) U8 (normalised by
     * {@code normalization} when read) or F32 (used as it is) and {@code labels} [N] I64 or I32;
     * other tensors are ignored.
     *
     * @param numClasses the number of classes; 0 or less: the file's {@value #NUM_CLASSES_KEY}
     *                   metadata if present, else the largest label + 1
     */
    public static Dataset readSafeTensors(Path file, Normalization normalization, int numClasses) throws IOException {
        try (SafeTensorsReader reader = SafeTensorsReader.open(file); MemoryScope scope = MemoryScope.open()) {
            SafeTensorsHeader.Entry images = entry(reader, "images", IMAGE_TYPES, "U8 or F32");
            SafeTensorsHeader.Entry labels = entry(reader, "labels", LABEL_TYPES, "I64 or I32");
            Tensor x = reader.read(images.name());
            Tensor y = reader.read(labels.name());
            int classes = numClasses > 0 ? numClasses : classesFromMetadata(reader);
            return build(file.toString(), file, x, file, y, classes, normalization);
        }
    }

    /**
     * Writes {@code dataset} as a safetensors file that {@link #readSafeTensors} reads back to
     * the same dataset (given the same normalisation): {@code images} U8 [N,C,H,W] (the raw
     * bytes) or F32, {@code labels} I64, and the class count in the metadata as
     * {@value #NUM_CLASSES_KEY}.
     */
    public static void writeSafeTensors(Dataset dataset, Path file) throws IOException {
        try (MemoryScope scope = MemoryScope.open()) {
            SafeTensorsWriter writer = new SafeTensorsWriter();
            int[] shape = {dataset.size(), dataset.channels(), dataset.height(), dataset.width()};
            if (dataset.isEightBit()) {
                Tensor x = Tensor.empty(DType.INT32, shape);
                IntBuffer dst = ((HostStorage) x.storage()).ints();
                byte[] raw = dataset.rawBytes();
                for (int i = 0; i < raw.length; i++) {
                    dst.put(i, raw[i] & 0xff);
                }
                writer.add("images", x, SafeTensorsDType.U8);
            } else {
                Tensor x = Tensor.empty(DType.FLOAT32, shape);
                FloatBuffer dst = ((HostStorage) x.storage()).floats();
                dst.put(0, dataset.rawFloats());
                writer.add("images", x);
            }
            Tensor y = Tensor.empty(DType.INT64, dataset.size());
            LongBuffer labels = ((HostStorage) y.storage()).longs();
            for (int i = 0; i < dataset.size(); i++) {
                labels.put(i, dataset.label(i));
            }
            writer.add("labels", y).metadata(NUM_CLASSES_KEY, Integer.toString(dataset.numClasses())).write(file);
        }
    }

    private static int classesFromMetadata(SafeTensorsReader reader) throws MalformedFileException {
        String v = reader.metadata().get(NUM_CLASSES_KEY);
        if (v == null) {
            return 0;
        }
        try {
            int classes = Integer.parseInt(v.trim());
            if (classes > 0) {
                return classes;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MalformedFileException(reader.header().file(), "metadata " + NUM_CLASSES_KEY + " = \"" + v
                + "\" is not a positive integer");
    }

    private static SafeTensorsHeader.Entry entry(SafeTensorsReader reader, String name, Set<SafeTensorsDType> types,
                                                 String allowed) throws MalformedFileException {
        Path file = reader.header().file();
        SafeTensorsHeader.Entry e = reader.header().entries().get(name);
        if (e == null) {
            throw new MalformedFileException(file, "a dataset needs tensors \"images\" and \"labels\"; there is no \""
                    + name + "\" (the file holds " + reader.names() + ")");
        }
        if (!types.contains(e.dtype())) {
            throw new MalformedFileException(file, "tensor \"" + name + "\" is " + e.describe() + "; a dataset's "
                    + name + " must be " + allowed);
        }
        return e;
    }

    /** Checks loaded tensors, naming the file each problem belongs to, and copies them into a dataset. */
    private static Dataset build(String source, Path imagesFile, Tensor x, Path labelsFile, Tensor y, int numClasses,
                                 Normalization normalization) throws MalformedFileException {
        int[] dims = DataChecks.imageDims(x.shape());
        if (dims == null) {
            throw new MalformedFileException(imagesFile, DataChecks.badImageRank(x.shape()));
        }
        if (y.rank() != 1 || y.dtype().isFloating()) {
            throw new MalformedFileException(labelsFile, "labels must be one integer per image, got "
                    + y.dtype() + " " + Shape.str(y.shape()));
        }
        String problem = DataChecks.counts(dims[0], y.size(0));
        if (problem != null) {
            throw new MalformedFileException(imagesFile, problem + (labelsFile.equals(imagesFile) ? ""
                    : " (labels from " + labelsFile + ")"));
        }
        int[] labels = labelValues(labelsFile, y);
        int classes = numClasses > 0 ? numClasses : DataChecks.inferClasses(labels);
        problem = DataChecks.labels(labels, classes);
        if (problem != null) {
            throw new MalformedFileException(labelsFile, problem);
        }
        if (x.dtype() == DType.FLOAT32) {
            return Dataset.ofFloats(source, x.toFloatArray(), labels, dims[1], dims[2], dims[3], classes);
        }
        if (normalization == null || !normalization.fits(dims[1])) {
            throw new MalformedFileException(imagesFile, "8-bit images of " + dims[1] + " channels need a "
                    + "normalisation for that many channels, got " + normalization);
        }
        return Dataset.ofBytes(source, eightBit(imagesFile, x), labels, dims[1], dims[2], dims[3], classes,
                normalization);
    }

    private static int[] labelValues(Path file, Tensor y) throws MalformedFileException {
        long[] v = y.toLongArray();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] < 0 || v[i] > Integer.MAX_VALUE) {
                throw new MalformedFileException(file, "label " + v[i] + " at index " + i + " is not a class index");
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    /** INT32 values 0..255 (how 8-bit data loads) as bytes. */
    private static byte[] eightBit(Path file, Tensor x) throws MalformedFileException {
        Tensor c = x.contiguous();
        IntBuffer src = ((HostStorage) c.storage()).ints();
        int base = c.offset();
        byte[] out = new byte[c.numel()];
        for (int i = 0; i < out.length; i++) {
            int v = src.get(base + i);
            if ((v & ~0xff) != 0) {
                throw new MalformedFileException(file, "pixel value " + v + " at flat index " + i
                        + " is outside 0..255; integer images must be 8-bit");
            }
            out[i] = (byte) v;
        }
        return out;
    }
}
