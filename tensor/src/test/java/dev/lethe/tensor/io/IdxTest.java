package dev.lethe.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class IdxTest {
    private static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path dir;

    /** An IDX file: two zero bytes, the type code, the rank, big-endian dims, then {@code data} as given. */
    private static byte[] idx(int type, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length); // big-endian by default
        b.put((byte) 0).put((byte) 0).put((byte) type).put((byte) dims.length);
        Arrays.stream(dims).forEach(b::putInt);
        return b.put(data).array();
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private MalformedFileException rejected(Path file, String... fragments) {
        long liveBefore = HostStorage.liveBytes();
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Idx.read(file));
        assertEquals(liveBefore, HostStorage.liveBytes(), "nothing stays allocated");
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected \"" + f + "\" in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void unsignedBytesReadAsInt32AndScaledAsFloat32() throws IOException {
        byte[] pixels = {0, 1, 127, (byte) 128, (byte) 200, (byte) 255};
        Path file = write("images-idx3-ubyte", idx(0x08, new int[] {1, 2, 3}, pixels));
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor raw = Idx.read(file);
            assertEquals(DType.INT32, raw.dtype());
            assertArrayEquals(new int[] {1, 2, 3}, raw.shape());
            assertArrayEquals(new int[] {0, 1, 127, 128, 200, 255}, raw.toIntArray());

            Tensor scaled = Idx.readScaled(file);
            assertEquals(DType.FLOAT32, scaled.dtype());
            assertArrayEquals(new float[] {0f, 1f / 255f, 127f / 255f, 128f / 255f, 200f / 255f, 1f},
                    scaled.toFloatArray());
        }
    }

    @Test
    void widerTypesAreBigEndian() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(2 + 2 + 4 + 4 + 8 + 1);
        data.putShort((short) -2).putShort((short) 300).putInt(-70000).putFloat(1.25f).putDouble(-0.1).put((byte) -5);
        byte[] d = data.array();
        try (MemoryScope scope = MemoryScope.open()) {
            assertArrayEquals(new int[] {-2, 300}, Idx.read(write("s", idx(0x0B, new int[] {2}, slice(d, 0, 4))))
                    .toIntArray());
            assertArrayEquals(new int[] {-70000}, Idx.read(write("i", idx(0x0C, new int[] {1}, slice(d, 4, 8))))
                    .toIntArray());
            Tensor f = Idx.read(write("f", idx(0x0D, new int[] {1, 1}, slice(d, 8, 12))));
            assertEquals(DType.FLOAT32, f.dtype());
            assertEquals(1.25, f.item(), 0.0);
            Tensor g = Idx.read(write("d", idx(0x0E, new int[] {1}, slice(d, 12, 20))));
            assertEquals(DType.FLOAT64, g.dtype());
            assertEquals(-0.1, g.item(), 0.0);
            assertEquals(-5, Idx.read(write("b", idx(0x09, new int[] {1}, slice(d, 20, 21)))).item(), 0.0);
        }
    }

    private static byte[] slice(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }

    @Test
    void gzippedFilesAreDetectedByTheirMagic() throws IOException {
        byte[] labels = {9, 0, 0, 3, 0, 2, 7, 2, 5, 5};
        Path file = write("labels-idx1-ubyte.gz", gzip(idx(0x08, new int[] {10}, labels)));
        try (Tensor t = Idx.read(file)) {
            assertArrayEquals(new int[] {10}, t.shape());
            assertArrayEquals(new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, t.toIntArray());
        }
    }

    @Test
    void wrongMagic() throws IOException {
        rejected(write("m", new byte[] {0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0}), "wrong magic number 0x504b0304");
    }

    @Test
    void unknownTypeAndBadRank() throws IOException {
        rejected(write("t", idx(0x0A, new int[] {1}, new byte[1])), "unknown element type 0x0a");
        rejected(write("r0", idx(0x08, new int[0], new byte[1])), "declares 0 dimensions");
        rejected(write("r9", idx(0x08, new int[9], new byte[0])), "declares 9 dimensions");
    }

    @Test
    void dimensionsTooLargeForOneTensor() throws IOException {
        rejected(write("big", idx(0x08, new int[] {60000, 60000, 28}, new byte[0])),
                "dimensions [60000, 60000, 28] are too large");
        rejected(write("u32", idx(0x08, new int[] {0xFFFFFFFF}, new byte[0])), "dimensions [4294967295]");
        // Fits the element count but not the bytes of one int32 tensor.
        rejected(write("bytes", idx(0x08, new int[] {1 << 30}, new byte[0])), "more than one tensor can hold");
    }

    @Test
    void truncatedFile() throws IOException {
        rejected(write("short", idx(0x08, new int[] {2, 3}, new byte[5])),
                "is truncated: unsigned byte [2, 3] needs 6 data bytes after the header, the file has 5");
        rejected(write("header", new byte[] {0, 0, 8, 3, 0, 0, 0, 2}), "file ends inside the 3 dimension sizes");
    }

    @Test
    void fileLongerThanItsDimensions() throws IOException {
        rejected(write("long", idx(0x08, new int[] {2, 3}, new byte[7])),
                "is longer than its dimensions say: unsigned byte [2, 3] needs 6 data bytes after the header, "
                        + "the file has 7");
    }

    @Test
    void gzippedFileTruncatedOrLongerOrCorrupt() throws IOException {
        rejected(write("short.gz", gzip(idx(0x0C, new int[] {4}, new byte[15]))),
                "is truncated: int [4] needs 16 data bytes after the header, the file has 15");
        rejected(write("long.gz", gzip(idx(0x08, new int[] {4}, new byte[5]))), "has data after the 4 bytes");
        byte[] gz = gzip(idx(0x08, new int[] {1000}, new byte[1000]));
        rejected(write("cut.gz", Arrays.copyOf(gz, gz.length - 12)), "corrupt or truncated gzip data");
    }

    @Test
    void scaledReadingNeedsUnsignedBytes() throws IOException {
        Path file = write("f", idx(0x0D, new int[] {1}, new byte[4]));
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> Idx.readScaled(file));
        assertTrue(e.getMessage().contains("holds float elements"), e.getMessage());
    }

    @Test
    void fashionMnistTestLabelsHaveAThousandOfEachClass() throws IOException {
        Path labels = FASHION_MNIST.resolve("t10k-labels-idx1-ubyte.gz");
        Assumptions.assumeTrue(Files.isReadable(labels), "Fashion-MNIST is not installed at " + FASHION_MNIST);
        try (Tensor t = Idx.read(labels)) {
            assertArrayEquals(new int[] {10000}, t.shape());
            int[] counts = new int[10];
            for (int label : t.toIntArray()) {
                counts[label]++;
            }
            int[] expected = new int[10];
            Arrays.fill(expected, 1000);
            assertArrayEquals(expected, counts);
        }
        Path images = FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz");
        try (Tensor x = Idx.readScaled(images)) {
            assertArrayEquals(new int[] {10000, 28, 28}, x.shape());
            float[] v = x.toFloatArray();
            double mean = 0;
            for (float p : v) {
                assertTrue(p >= 0f && p <= 1f);
                mean += p;
            }
            // The test split's mean pixel is 0.2868 (the train split's 0.2860 is the normalisation constant).
            assertEquals(0.2868, mean / v.length, 0.001);
        }
    }
}
