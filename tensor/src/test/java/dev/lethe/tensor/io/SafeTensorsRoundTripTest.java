package dev.lethe.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class SafeTensorsRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void everyWritableDtypeRoundTripsWithShapesValuesAndMetadata() throws IOException {
        Path file = dir.resolve("all.safetensors");
        try (MemoryScope scope = MemoryScope.open()) {
            new SafeTensorsWriter()
                    .metadata("lethe.format", "1")
                    .metadata("lethe.config", "{\"hidden\": [64, 32]}")
                    .add("f32", Tensor.of(new float[] {1.5f, -2f, Float.MIN_VALUE, Float.MAX_VALUE, 0f, -0f},
                            2, 3))
                    .add("f64.scalar", Tensor.scalar(Math.PI, DType.FLOAT64))
                    .add("i32.empty", Tensor.zeros(DType.INT32, 0, 4))
                    .add("i64", Tensor.of(new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE}, 3))
                    .add("i32", Tensor.of(new int[] {Integer.MIN_VALUE, 7}, 2, 1))
                    .add("u8", Tensor.of(new int[] {0, 1, 128, 255}, 1, 2, 2), SafeTensorsDType.U8)
                    .write(file);

            try (SafeTensorsFile read = SafeTensorsFile.read(file)) {
                assertEquals(List.of("f32", "f64.scalar", "i32.empty", "i64", "i32", "u8"),
                        List.copyOf(read.tensors().keySet()), "header order is insertion order");
                assertEquals(Map.of("lethe.format", "1", "lethe.config", "{\"hidden\": [64, 32]}"), read.metadata());

                Tensor f32 = read.tensor("f32");
                assertEquals(DType.FLOAT32, f32.dtype());
                assertArrayEquals(new int[] {2, 3}, f32.shape());
                assertArrayEquals(new float[] {1.5f, -2f, Float.MIN_VALUE, Float.MAX_VALUE, 0f, -0f},
                        f32.toFloatArray());

                Tensor scalar = read.tensor("f64.scalar");
                assertEquals(DType.FLOAT64, scalar.dtype());
                assertEquals(0, scalar.rank());
                assertEquals(Math.PI, scalar.item(), 0.0);

                Tensor empty = read.tensor("i32.empty");
                assertEquals(DType.INT32, empty.dtype());
                assertArrayEquals(new int[] {0, 4}, empty.shape());

                assertEquals(DType.INT64, read.tensor("i64").dtype());
                assertArrayEquals(new long[] {Long.MIN_VALUE, -1, Long.MAX_VALUE}, read.tensor("i64").toLongArray());
                assertArrayEquals(new int[] {Integer.MIN_VALUE, 7}, read.tensor("i32").toIntArray());

                Tensor u8 = read.tensor("u8");
                assertEquals(DType.INT32, u8.dtype(), "U8 loads as int32");
                assertArrayEquals(new int[] {1, 2, 2}, u8.shape());
                assertArrayEquals(new int[] {0, 1, 128, 255}, u8.toIntArray());
            }
        }
        // Byte layout: u8 is stored one byte per value, and the header is space-padded to a multiple of 8.
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertEquals(0, headerLength % 8);
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":"), header);
        assertTrue(header.contains("\"u8\":{\"dtype\":\"U8\",\"shape\":[1,2,2],\"data_offsets\":[64,68]}"), header);
        assertEquals(8 + headerLength + 24 + 8 + 0 + 24 + 8 + 4, bytes.length, "tensors are stored back to back");
    }

    @Test
    void stridedViewsAreWrittenInRowMajorOrder() throws IOException {
        Path file = dir.resolve("view.safetensors");
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        SafeTensorsWriter.write(file, Map.of("t", a.t(), "row", a.select(0, 1)), Map.of());
        try (SafeTensorsFile read = SafeTensorsFile.read(file)) {
            assertArrayEquals(new int[] {3, 2}, read.tensor("t").shape());
            assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, read.tensor("t").toFloatArray());
            assertArrayEquals(new float[] {4, 5, 6}, read.tensor("row").toFloatArray());
            assertTrue(read.metadata().isEmpty());
        }
    }

    @Test
    void tensorsArePlacedByTheirOffsetsWhateverTheOrderAndGaps() throws IOException {
        // "a" is listed first but its bytes come last; 4 unused bytes sit between "b" and "a".
        byte[] data = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN)
                .putFloat(10f).putFloat(20f).putFloat(-1f).putFloat(1f).putFloat(2f).array();
        Path file = SafeTensorsBytes.write(dir, "order.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", data);
        try (SafeTensorsFile read = SafeTensorsFile.read(file)) {
            assertEquals(List.of("a", "b"), List.copyOf(read.tensors().keySet()));
            assertArrayEquals(new float[] {1f, 2f}, read.tensor("a").toFloatArray());
            assertArrayEquals(new float[] {10f, 20f}, read.tensor("b").toFloatArray());
        }
    }

    @Test
    void halfAndBfloat16WidenExactlyToFloat32() throws IOException {
        int[] halfBits = {
            0x3C00, 0xC000, 0x7BFF, 0x0400, 0x03FF, 0x0001, 0x8001, 0x0000, 0x8000, 0x3555, 0x7C00, 0xFC00, 0x7E00,
        };
        float[] halfValues = {
            1f, -2f, 65504f, 0x1p-14f, 1023 * 0x1p-24f, 0x1p-24f, -0x1p-24f, 0f, -0f, 0.333251953125f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        };
        int[] bf16Bits = {0x3F80, 0xC040, 0x4049, 0x0001, 0x8000, 0x7F7F, 0x7F80, 0xFF80, 0x7FC0};
        float[] bf16Values = {
            1f, -3f, 3.140625f, 0x1p-133f, -0f, Float.intBitsToFloat(0x7F7F0000),
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        };
        byte[] half = SafeTensorsBytes.shorts(halfBits);
        byte[] bf16 = SafeTensorsBytes.shorts(bf16Bits);
        byte[] data = ByteBuffer.allocate(half.length + bf16.length).put(half).put(bf16).array();
        Path file = SafeTensorsBytes.write(dir, "half.safetensors",
                "{\"h\":{\"dtype\":\"F16\",\"shape\":[" + halfBits.length + "],\"data_offsets\":[0,"
                        + half.length + "]},"
                        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[" + bf16Bits.length + "],\"data_offsets\":["
                        + half.length + "," + data.length + "]}}", data);
        try (SafeTensorsFile read = SafeTensorsFile.read(file)) {
            assertEquals(DType.FLOAT32, read.tensor("h").dtype());
            // assertArrayEquals on floats compares bit patterns via floatToIntBits: -0 != 0, NaN == NaN.
            assertArrayEquals(halfValues, read.tensor("h").toFloatArray());
            assertArrayEquals(bf16Values, read.tensor("b").toFloatArray());
        }
        assertEquals(0x7FC00000, Float.floatToRawIntBits(HalfPrecision.halfToFloat((short) 0x7E00)),
                "quiet NaN stays quiet");
    }

    @Test
    void narrowIntegerTypesWidenToInt32() throws IOException {
        byte[] data = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) -32768).putShort((short) 1234)   // I16
                .put((byte) -128).put((byte) 127)                  // I8
                .put((byte) 0).put((byte) 1).put((byte) 2)         // BOOL (nonzero is true)
                .put((byte) 0xff)                                  // U8
                .array();
        Path file = SafeTensorsBytes.write(dir, "ints.safetensors",
                "{\"i16\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                        + "\"i8\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[4,6]},"
                        + "\"bool\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[6,9]},"
                        + "\"u8\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[9,10]}}", data);
        try (SafeTensorsFile read = SafeTensorsFile.read(file)) {
            assertArrayEquals(new int[] {-32768, 1234}, read.tensor("i16").toIntArray());
            assertArrayEquals(new int[] {-128, 127}, read.tensor("i8").toIntArray());
            assertArrayEquals(new int[] {0, 1, 1}, read.tensor("bool").toIntArray());
            assertEquals(255, read.tensor("u8").item());
            read.tensors().values().forEach(t -> assertEquals(DType.INT32, t.dtype()));
        }
    }

    @Test
    void readerLoadsOnlyTheTensorsAskedFor() throws IOException {
        Path file = dir.resolve("partial.safetensors");
        SafeTensorsWriter.write(file, Map.of("x", Tensor.of(new float[] {1, 2}, 2)), Map.of("k", "v"));
        try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
            assertEquals(List.of("x"), reader.names());
            assertEquals(Map.of("k", "v"), reader.metadata());
            assertEquals("F32 [2]", reader.header().entry("x").describe());
            assertArrayEquals(new float[] {1, 2}, reader.read("x").toFloatArray());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> reader.read("y"));
            assertTrue(e.getMessage().contains("no tensor \"y\"") && e.getMessage().contains("[x]"), e.getMessage());
        }
    }

    @Test
    void writerRejectsBadArgumentsBeforeTouchingTheDisk() {
        Tensor f = Tensor.of(new float[] {1}, 1);
        SafeTensorsWriter w = new SafeTensorsWriter().add("a", f);
        assertThrows(IllegalArgumentException.class, () -> w.add("a", f));
        assertThrows(IllegalArgumentException.class, () -> w.add("__metadata__", f));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> w.add("b", f, SafeTensorsDType.U8));
        assertTrue(e.getMessage().contains("float32 cannot be stored as U8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> w.add("c", f, SafeTensorsDType.F16));
    }

    @Test
    void aWriteThatFailsPartWayLeavesThePreviousFileIntact() throws IOException {
        Path file = dir.resolve("model.safetensors");
        SafeTensorsWriter.write(file, Map.of("w", Tensor.of(new float[] {1, 2, 3}, 3)), Map.of("v", "1"));
        byte[] before = Files.readAllBytes(file);

        // The U8 value 300 is found while the data is being written, after the header and "w".
        SafeTensorsWriter failing = new SafeTensorsWriter()
                .add("w", Tensor.of(new float[] {9, 9, 9}, 3))
                .add("img", Tensor.of(new int[] {0, 300}, 2), SafeTensorsDType.U8);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> failing.write(file));
        assertTrue(e.getMessage().contains("tensor \"img\"") && e.getMessage().contains("300"), e.getMessage());

        // A content writer that throws after writing part of the file.
        assertThrows(IOException.class, () -> AtomicFile.write(file, channel -> {
            channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            throw new IOException("disk full");
        }));

        // A target whose directory does not exist.
        assertThrows(NoSuchFileException.class,
                () -> SafeTensorsWriter.write(dir.resolve("missing/model.safetensors"), Map.of(), Map.of()));

        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void aSuccessfulWriteReplacesTheFile() throws IOException {
        Path file = dir.resolve("m.safetensors");
        SafeTensorsWriter.write(file, Map.of("w", Tensor.of(new float[] {1}, 1)), Map.of());
        SafeTensorsWriter.write(file, Map.of("w", Tensor.of(new float[] {2, 3}, 2)), Map.of());
        try (SafeTensorsFile read = SafeTensorsFile.read(file)) {
            assertArrayEquals(new float[] {2, 3}, read.tensor("w").toFloatArray());
        }
    }
}
