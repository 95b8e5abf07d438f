package dev.lethe.tensor.io;

import static org.junit.jupiter.api.Assertions.fail;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files: random byte flips and truncations of a valid safetensors or IDX file must either read or fail with
 * {@link MalformedFileException}, never another exception (and never crash the JVM).
 */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class MalformedFileFuzzTest {
    private static final int ITERATIONS = 2000;

    @TempDir
    Path dir;

    @Test
    void damagedSafeTensorsFilesReadOrFailWithMalformedFileException() throws IOException {
        Path valid = dir.resolve("valid.safetensors");
        Philox rng = new Philox(7);
        new SafeTensorsWriter()
                .metadata("lethe.arch", "mlp")
                .add("fc1.weight", Tensor.randn(rng, DType.FLOAT32, 4, 3))
                .add("fc1.bias", Tensor.zeros(DType.FLOAT64, 4))
                .add("labels", Tensor.of(new long[] {3, 1, 4}, 3))
                .add("empty", Tensor.zeros(DType.INT32, 0))
                .add("images", Tensor.of(new int[] {0, 255, 17, 42}, 1, 2, 2), SafeTensorsDType.U8)
                .write(valid);
        byte[] original = Files.readAllBytes(valid);
        long headerEnd = 8 + (original[0] & 0xff);

        SplittableRandom random = new SplittableRandom(20240601);
        Path damaged = dir.resolve("damaged.safetensors");
        int accepted = 0;
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] bytes = damage(original, headerEnd, random);
            Files.write(damaged, bytes);
            try (MemoryScope scope = MemoryScope.open()) {
                SafeTensorsFile.read(damaged);
                accepted++;
            } catch (MalformedFileException expected) {
                // the documented failure
            } catch (Throwable t) {
                fail("iteration " + i + ": " + t + " for bytes " + Arrays.toString(bytes), t);
            }
        }
        // Flips inside the data section, or harmless ones in the header, still read: both outcomes occur.
        if (accepted == 0 || accepted == ITERATIONS) {
            fail("expected both accepted and rejected files, accepted " + accepted);
        }
    }

    @Test
    void damagedIdxFilesReadOrFailWithMalformedFileException() throws IOException {
        ByteBuffer raw = ByteBuffer.allocate(4 + 8 + 6 * 5).put(new byte[] {0, 0, 0x08, 2}).putInt(6).putInt(5);
        for (int i = 0; i < 30; i++) {
            raw.put((byte) (i * 37));
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(raw.array());
        }
        SplittableRandom random = new SplittableRandom(99);
        Path damaged = dir.resolve("damaged-idx");
        for (int i = 0; i < ITERATIONS / 2; i++) {
            byte[] original = i % 2 == 0 ? raw.array() : gz.toByteArray();
            byte[] bytes = damage(original, original.length, random);
            Files.write(damaged, bytes);
            try (MemoryScope scope = MemoryScope.open()) {
                Idx.read(damaged);
            } catch (MalformedFileException expected) {
                // the documented failure
            } catch (Throwable t) {
                fail("iteration " + i + ": " + t + " for bytes " + Arrays.toString(bytes), t);
            }
        }
    }

    /** Flips 1-4 bytes (mostly in the header, where the checks are), truncates, or both. */
    private static byte[] damage(byte[] original, long headerEnd, SplittableRandom random) {
        byte[] bytes = original.clone();
        int mode = random.nextInt(3);
        if (mode != 1) {
            int flips = 1 + random.nextInt(4);
            for (int f = 0; f < flips; f++) {
                int at = random.nextInt(4) == 0 ? random.nextInt(bytes.length) : random.nextInt((int) headerEnd);
                bytes[at] = random.nextBoolean()
                        ? (byte) random.nextInt(256)
                        : (byte) (bytes[at] ^ (1 << random.nextInt(8)));
            }
        }
        if (mode != 0) {
            bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length));
        }
        return bytes;
    }
}
