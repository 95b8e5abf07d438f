package dev.lethe.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.HostStorage;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each malformed file is rejected with a {@link MalformedFileException} naming the file, tensor and problem. */
class SafeTensorsMalformedTest {
    private static final String VALID_ENTRY = "{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}";
    private static final byte[] DATA_24 = new byte[24];

    @TempDir
    Path dir;

    /** Reads {@code bytes} as a file; asserts the rejection and that the message has the file and every fragment. */
    private MalformedFileException rejected(byte[] bytes, String... fragments) throws IOException {
        Path file = Files.write(dir.resolve("bad.safetensors"), bytes);
        long liveBefore = HostStorage.liveBytes();
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> SafeTensorsFile.read(file));
        assertEquals(liveBefore, HostStorage.liveBytes(), "nothing stays allocated");
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected \"" + f + "\" in: " + e.getMessage());
        }
        return e;
    }

    private MalformedFileException rejected(String json, byte[] data, String... fragments) throws IOException {
        return rejected(SafeTensorsBytes.of(json, data), fragments);
    }

    private static byte[] headerLength(long n, int extraBytes) {
        return ByteBuffer.allocate(8 + extraBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array();
    }

    @Test
    void fileShorterThanTheLengthField() throws IOException {
        rejected(new byte[] {1, 0, 0}, "3 bytes long, shorter than the 8-byte header length");
    }

    @Test
    void headerLengthPastTheEndOfTheFile() throws IOException {
        rejected(headerLength(64, 10), "header length 64 runs past the end of the file (18 bytes)");
    }

    @Test
    void absurdHeaderLength() throws IOException {
        rejected(headerLength(-1L, 8), "header length 18446744073709551615 is absurd");
        rejected(headerLength(200_000_000L, 8), "header length 200000000 is absurd");
    }

    @Test
    void headerThatIsNotJson() throws IOException {
        rejected("{\"w\": {\"dtype\": \"F32\",", DATA_24, "header is not valid JSON", "line 1");
        rejected("{\"w\": " + VALID_ENTRY + "} trailing", DATA_24, "header is not valid JSON");
    }

    @Test
    void headerThatIsNotUtf8() throws IOException {
        byte[] header = {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'};
        rejected(SafeTensorsBytes.of(header, new byte[0]), "header is not valid UTF-8");
    }

    @Test
    void headerThatIsNotAnObject() throws IOException {
        rejected("[1, 2, 3]", DATA_24, "header is not a JSON object but array");
    }

    @Test
    void entryThatIsNotAnObject() throws IOException {
        rejected("{\"w\": [0, 24]}", DATA_24, "tensor \"w\": entry is not a JSON object but array");
    }

    @Test
    void entryWithMissingOrExtraKeys() throws IOException {
        rejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3]}}", DATA_24, "tensor \"w\": missing key \"data_offsets\"");
        rejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24],\"stride\":[3,1]}}", DATA_24,
                "tensor \"w\": unexpected key \"stride\"");
    }

    @Test
    void unknownDtype() throws IOException {
        rejected("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[24],\"data_offsets\":[0,24]}}", DATA_24,
                "tensor \"w\": unknown dtype \"F8_E4M3\"");
    }

    @Test
    void shapeThatIsNotNonNegativeInts() throws IOException {
        rejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,-3],\"data_offsets\":[0,24]}}", DATA_24,
                "tensor \"w\": shape [2,-3] is not an array of non-negative ints");
        rejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.0,3],\"data_offsets\":[0,24]}}", DATA_24,
                "is not an array of non-negative ints");
        rejected("{\"w\":{\"dtype\":\"F32\",\"shape\":\"2x3\",\"data_offsets\":[0,24]}}", DATA_24,
                "tensor \"w\": shape is not an array but string");
    }

    @Test
    void shapeThatDoesNotMatchTheByteCount() throws IOException {
        rejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", DATA_24,
                "tensor \"w\": data_offsets [0, 20] hold 20 bytes, but F32 [2, 3] needs 24");
    }

    @Test
    void offsetsPastTheEndOfTheData() throws IOException {
        rejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[8,32]}}", DATA_24,
                "tensor \"w\": data_offsets [8, 32] lie outside the data section of 24 bytes");
        rejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[24,0]}}", DATA_24, "lie outside");
        rejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0]}}", DATA_24,
                "is not a pair of integers");
    }

    @Test
    void overlappingTensors() throws IOException {
        rejected("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", DATA_24,
                "tensors \"a\" [0, 16] and \"b\" [12, 20] overlap");
    }

    @Test
    void absurdShape() throws IOException {
        rejected("{\"w\":{\"dtype\":\"F32\",\"shape\":[1000000,1000000,1000],\"data_offsets\":[0,24]}}", DATA_24,
                "tensor \"w\": shape [1000000, 1000000, 1000] has more than 2^31-1 elements");
    }

    @Test
    void tensorTooLargeToLoadIsRejectedBeforeAllocating() throws IOException {
        // 600 MB of U8 would load into 2.4 GB of INT32. The file is sparse, so this costs no disk.
        long n = 600_000_000L;
        String json = "{\"x\":{\"dtype\":\"U8\",\"shape\":[" + n + "],\"data_offsets\":[0," + n + "]}}";
        Path file = Files.write(dir.resolve("big.safetensors"), SafeTensorsBytes.of(json, new byte[0]));
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() + n);
        }
        MalformedFileException e = assertThrows(MalformedFileException.class, () -> SafeTensorsFile.read(file));
        assertTrue(e.getMessage().contains("tensor \"x\": U8 [600000000] loads into 2400000000 bytes"), e.getMessage());
    }

    @Test
    void metadataThatIsNotStringToString() throws IOException {
        rejected("{\"__metadata__\":{\"epochs\":10},\"w\":" + VALID_ENTRY + "}", DATA_24,
                "__metadata__ value of \"epochs\" is not a string but number");
        rejected("{\"__metadata__\":[\"a\"]}", new byte[0], "__metadata__ is not an object of strings but array");
    }

    @Test
    void duplicateKeys() throws IOException {
        rejected("{\"w\":" + VALID_ENTRY + ",\"w\":" + VALID_ENTRY + "}", DATA_24, "Duplicate field 'w'");
    }
}
