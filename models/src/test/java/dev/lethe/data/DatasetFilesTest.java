package dev.lethe.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.MalformedFileException;
import dev.lethe.tensor.io.SafeTensorsDType;
import dev.lethe.tensor.io.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading datasets from IDX and safetensors files, and every kind of bad content. */
class DatasetFilesTest {
    @TempDir
    Path dir;

    /** Four 2×3 images whose pixel values are 40·i + j. */
    private static byte[] pixels(int n, int perImage) {
        byte[] b = new byte[n * perImage];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < perImage; j++) {
                b[i * perImage + j] = (byte) (40 * i + j);
            }
        }
        return b;
    }

    @Test
    void idxPairLoadsAndNormalisesAsTorchvision() throws IOException {
        Path x = IdxFiles.ubyte(dir.resolve("img.gz"), pixels(4, 6), true, 4, 2, 3);
        Path y = IdxFiles.ubyte(dir.resolve("lab"), new byte[] {3, 0, 9, 1}, false, 4);
        Dataset d = DatasetFiles.readIdx(x, y, Normalization.FASHION_MNIST, 10);
        assertEquals(4, d.size());
        assertEquals(1, d.channels());
        assertEquals(2, d.height());
        assertEquals(3, d.width());
        assertEquals(10, d.numClasses());
        assertTrue(d.isEightBit());
        assertArrayEquals(new int[] {3, 0, 9, 1}, d.labels());
        float[] img = new float[6];
        d.readImage(2, img, 0);
        for (int j = 0; j < 6; j++) {
            // ToTensor then Normalize, in float32.
            assertEquals(((80 + j) / 255f - 0.286f) / 0.353f, img[j], 0f);
        }
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor t = d.images(new int[] {2, 0});
            assertArrayEquals(new int[] {2, 1, 2, 3}, t.shape());
            assertArrayEquals(img, java.util.Arrays.copyOf(t.toFloatArray(), 6));
            assertArrayEquals(new long[] {9, 3}, d.labels(new int[] {2, 0}).toLongArray());
        }
        assertEquals(10, DatasetFiles.readIdx(x, y, Normalization.FASHION_MNIST, 0).numClasses(), "max label + 1");
    }

    @Test
    void labelOutsideTheClassesNamesTheLabelsFile() throws IOException {
        Path x = IdxFiles.ubyte(dir.resolve("img"), pixels(4, 6), false, 4, 2, 3);
        Path y = IdxFiles.ubyte(dir.resolve("lab"), new byte[] {3, 0, 10, 1}, false, 4);
        MalformedFileException e = assertThrows(MalformedFileException.class,
                () -> DatasetFiles.readIdx(x, y, Normalization.FASHION_MNIST, 10));
        assertEquals(y, e.file());
        assertTrue(e.getMessage().contains("label 10 at index 2 is outside 0..9"), e.getMessage());
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        Path x = IdxFiles.ubyte(dir.resolve("img"), pixels(4, 6), false, 4, 2, 3);
        Path y = IdxFiles.ubyte(dir.resolve("lab"), new byte[] {3, 0, 1}, false, 3);
        MalformedFileException e = assertThrows(MalformedFileException.class,
                () -> DatasetFiles.readIdx(x, y, Normalization.FASHION_MNIST, 10));
        assertTrue(e.getMessage().contains("4 images but 3 labels") && e.getMessage().contains(x.toString())
                && e.getMessage().contains(y.toString()), e.getMessage());
    }

    @Test
    void emptyDatasetIsAnError() throws IOException {
        Path x = IdxFiles.ubyte(dir.resolve("img"), new byte[0], false, 0, 2, 3);
        Path y = IdxFiles.ubyte(dir.resolve("lab"), new byte[0], false, 0);
        MalformedFileException e = assertThrows(MalformedFileException.class,
                () -> DatasetFiles.readIdx(x, y, Normalization.FASHION_MNIST, 10));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    @Test
    void imagesOfTheWrongRankOrRangeAreNamed() throws IOException {
        Path y = IdxFiles.ubyte(dir.resolve("lab"), new byte[] {1, 2}, false, 2);
        Path flat = IdxFiles.ubyte(dir.resolve("flat"), pixels(2, 6), false, 2, 6);
        MalformedFileException e = assertThrows(MalformedFileException.class,
                () -> DatasetFiles.readIdx(flat, y, Normalization.FASHION_MNIST, 10));
        assertTrue(e.getMessage().contains("images must be [N, H, W] or [N, C, H, W], got shape [2, 6]"), e.getMessage());
        Path wide = IdxFiles.ints(dir.resolve("wide"), new int[] {0, 1, 2, 300, 4, 5, 6, 7}, 2, 2, 2);
        e = assertThrows(MalformedFileException.class, () -> DatasetFiles.readIdx(wide, y, Normalization.FASHION_MNIST, 10));
        assertTrue(e.getMessage().contains("pixel value 300 at flat index 3 is outside 0..255"), e.getMessage());
    }

    @Test
    void wrongImageSizeOrChannelCountIsNamed() throws IOException {
        Path x = IdxFiles.ubyte(dir.resolve("img"), pixels(2, 12), false, 2, 3, 2, 2);
        Path y = IdxFiles.ubyte(dir.resolve("lab"), new byte[] {1, 2}, false, 2);
        Normalization twoChannels = new Normalization(new double[] {0.5, 0.5}, new double[] {0.2, 0.2});
        MalformedFileException e = assertThrows(MalformedFileException.class,
                () -> DatasetFiles.readIdx(x, y, twoChannels, 10));
        assertTrue(e.getMessage().contains("8-bit images of 3 channels need a normalisation"), e.getMessage());
        Dataset d = DatasetFiles.readIdx(x, y, Normalization.SCALE_ONLY, 10);
        IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class, () -> d.requireImageShape(1, 28, 28));
        assertTrue(wrong.getMessage().contains("images are 3×2×2 (C×H×W), expected 1×28×28"), wrong.getMessage());
        assertTrue(wrong.getMessage().startsWith("idx:" + x), wrong.getMessage());
    }

    @Test
    void safeTensorsRoundTripsEightBitAndFloatData() throws IOException {
        Dataset bytes = Dataset.ofBytes("mem", pixels(3, 12), new int[] {0, 4, 2}, 3, 2, 2, 5,
                new Normalization(new double[] {0.1, 0.2, 0.3}, new double[] {0.5, 0.6, 0.7}));
        Path f = dir.resolve("u8.safetensors");
        DatasetFiles.writeSafeTensors(bytes, f);
        Dataset back = DatasetFiles.readSafeTensors(f, bytes.normalization(), 0);
        assertTrue(back.isEightBit());
        assertEquals(5, back.numClasses(), "class count from the metadata");
        assertArrayEquals(bytes.labels(), back.labels());
        assertArrayEquals(image(bytes, 1), image(back, 1));

        float[] floats = {0.5f, -1f, 2f, 3f, 4f, 5f, 6f, 7f};
        Dataset fl = Dataset.ofFloats("mem", floats, new int[] {1, 0}, 1, 2, 2, 2);
        Path g = dir.resolve("f32.safetensors");
        DatasetFiles.writeSafeTensors(fl, g);
        Dataset fback = DatasetFiles.readSafeTensors(g, null, 0);
        assertFalse(fback.isEightBit());
        assertArrayEquals(image(fl, 1), image(fback, 1));
    }

    @Test
    void safeTensorsAcceptsInt32LabelsAndRejectsOtherTypes() throws IOException {
        try (MemoryScope scope = MemoryScope.open()) {
            Path ok = dir.resolve("ok.safetensors");
            new SafeTensorsWriter().add("images", Tensor.zeros(DType.INT32, 2, 1, 2, 2), SafeTensorsDType.U8)
                    .add("labels", Tensor.of(new int[] {1, 0}, 2)).write(ok);
            assertArrayEquals(new int[] {1, 0}, DatasetFiles.readSafeTensors(ok, Normalization.SCALE_ONLY, 2).labels());

            Path f64 = dir.resolve("f64.safetensors");
            new SafeTensorsWriter().add("images", Tensor.zeros(DType.FLOAT64, 2, 1, 2, 2))
                    .add("labels", Tensor.of(new long[] {1, 0}, 2)).write(f64);
            MalformedFileException e = assertThrows(MalformedFileException.class,
                    () -> DatasetFiles.readSafeTensors(f64, null, 2));
            assertTrue(e.getMessage().contains(
                    "tensor \"images\" is F64 [2, 1, 2, 2]; a dataset's images must be U8 or F32"), e.getMessage());

            Path noLabels = dir.resolve("nolabels.safetensors");
            new SafeTensorsWriter().add("images", Tensor.zeros(DType.FLOAT32, 2, 1, 2, 2)).write(noLabels);
            e = assertThrows(MalformedFileException.class, () -> DatasetFiles.readSafeTensors(noLabels, null, 2));
            assertTrue(e.getMessage().contains("there is no \"labels\""), e.getMessage());

            Path mismatch = dir.resolve("mismatch.safetensors");
            new SafeTensorsWriter().add("images", Tensor.zeros(DType.FLOAT32, 3, 1, 2, 2))
                    .add("labels", Tensor.of(new long[] {1, 0}, 2)).write(mismatch);
            e = assertThrows(MalformedFileException.class, () -> DatasetFiles.readSafeTensors(mismatch, null, 2));
            assertTrue(e.getMessage().startsWith(mismatch + ": 3 images but 2 labels"), e.getMessage());
        }
    }

    @Test
    void inMemoryDatasetsAreCheckedToo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofFloats("synthetic", new float[8], new int[] {0, 5}, 1, 2, 2, 3));
        assertTrue(e.getMessage().equals("synthetic: label 5 at index 1 is outside 0..2 (3 classes)"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofFloats("synthetic", new float[7], new int[] {0, 1}, 1, 2, 2, 3));
        assertTrue(e.getMessage().contains("not a whole number"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofFloats("synthetic", new float[0], new int[0], 1, 2, 2, 3));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }

    private static float[] image(Dataset d, int i) {
        float[] out = new float[d.imageSize()];
        d.readImage(i, out, 0);
        return out;
    }
}
