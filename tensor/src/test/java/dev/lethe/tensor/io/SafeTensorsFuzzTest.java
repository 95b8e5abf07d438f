package dev.lethe.tensor.io;

import static org.junit.jupiter.api.Assertions.fail;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files: random byte flips and truncations of a valid file must either read or fail with
 * {@link MalformedFileException}, never another exception (and never crash the JVM).
 */
class SafeTensorsFuzzTest {
    private static final int ITERATIONS = 2000;

    @TempDir
    Path dir;

    @Test
    void damagedFilesReadOrFailWithMalformedFileException() throws IOException {
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
