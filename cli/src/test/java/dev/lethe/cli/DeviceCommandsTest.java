package dev.lethe.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --device}: the commands move their model to the device named and write the same files as
 * on the CPU. The second device is the emulated {@code test:0} of the tensor module's tests (CPU
 * arithmetic behind device labels), so the files must be byte for byte the CPU's.
 */
class DeviceCommandsTest {
    @TempDir
    Path dir;

    @Test
    void trainUnlearnAndPredictOnADeviceWriteTheCpuFiles() throws Exception {
        Path data = Fixtures.dataset(dir.resolve("data.safetensors"), 60, 1, 4, 4, 3);
        for (String device : new String[] {"cpu", "test"}) {
            Path model = dir.resolve(device + "-model.safetensors");
            Cli.run("train", "--model", "mlp", "--set", "hidden=8", "--data", data.toString(), "--test",
                    data.toString(), "--epochs", "2", "--batch-size", "16", "--out", model.toString(),
                    "--device", device).expect(0);
            Cli.run("unlearn", "--method", "ssd", "--model", model.toString(), "--data", data.toString(),
                    "--forget", "class:1", "--out", dir.resolve(device + "-ssd.safetensors").toString(),
                    "--device", device).expect(0);
            Cli.run("unlearn", "--method", "salun", "--model", model.toString(), "--data", data.toString(),
                    "--forget", "class:1", "--set", "batch_size=16", "--out",
                    dir.resolve(device + "-salun.safetensors").toString(), "--device", device).expect(0);
            Cli.run("predict", "--model", model.toString(), "--input", data.toString(), "--out",
                    dir.resolve(device + "-logits.safetensors").toString(), "--device", device).expect(0);
        }
        for (String file : new String[] {"model", "ssd", "salun", "logits"}) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("cpu-" + file + ".safetensors")),
                    Files.readAllBytes(dir.resolve("test-" + file + ".safetensors")), file);
        }
    }

    @Test
    void anUnknownDeviceIsAUsageError() throws Exception {
        Path data = Fixtures.dataset(dir.resolve("data.safetensors"), 6, 1, 4, 4, 3);
        Cli.Result r = Cli.run("train", "--model", "mlp", "--data", data.toString(), "--out",
                dir.resolve("m.safetensors").toString(), "--device", "tpu").expect(2).noStackTrace();
        assertTrue(r.err().contains("unknown device 'tpu'"), r.err());
        r = Cli.run("train", "--model", "mlp", "--data", data.toString(), "--out",
                dir.resolve("m.safetensors").toString(), "--device", "test:3").expect(5).noStackTrace();
        assertTrue(r.err().contains("serves test:0 only"), r.err());
    }
}
