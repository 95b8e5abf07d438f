package dev.lethe.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.nn.Checkpoint;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.DeviceOutOfMemoryException;
import dev.lethe.tensor.Tensor;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input gets its exit code and one message naming the problem, without a
 * stack trace, and leaves the model file as it was.
 */
class BadInputTest {
    @TempDir
    Path dir;

    private Path data;
    private Path model;
    private Path out;

    @BeforeEach
    void writeDataAndModel() throws Exception {
        data = Fixtures.dataset(dir.resolve("data.safetensors"), 12, 1, 4, 4, 3);
        model = Fixtures.model(dir.resolve("model.safetensors"), Fixtures.MLP);
        out = dir.resolve("out.safetensors");
    }

    private Cli.Result predict(int expectedCode) throws Exception {
        return predict(model, data, expectedCode);
    }

    private Cli.Result predict(Path modelFile, Path input, int expectedCode) throws Exception {
        return Cli.runLeaving(modelFile, "predict", "--model", modelFile.toString(), "--input", input.toString(),
                "--out", out.toString()).expect(expectedCode).noStackTrace();
    }

    private static void assertMentions(Cli.Result r, String... parts) {
        String err = r.err();
        assertTrue(err.startsWith("error: "), err);
        assertEquals(1, err.strip().lines().count(), () -> "one line: " + err);
        for (String p : parts) {
            assertTrue(err.contains(p), () -> "'" + p + "' in: " + err);
        }
    }

    @Test
    void checkpointWithAMissingTensor() throws Exception {
        Fixtures.edit(model, t -> t.remove("head.bias"), m -> { });
        assertMentions(predict(3), "missing head.bias", model.toString());
    }

    @Test
    void checkpointWithAnExtraTensor() throws Exception {
        Fixtures.edit(model, t -> t.put("fc1.scale", Tensor.ones(DType.FLOAT32, 8)), m -> { });
        assertMentions(predict(3), "unexpected fc1.scale");
    }

    @Test
    void checkpointWithAMisShapedTensor() throws Exception {
        Fixtures.edit(model, t -> t.put("head.weight", Tensor.zeros(DType.FLOAT32, 3, 7)), m -> { });
        assertMentions(predict(3), "head.weight has shape [3, 7], the model expects [3, 8]");
    }

    @Test
    void checkpointOfAnUnknownArchitecture() throws Exception {
        Fixtures.edit(model, t -> { }, m -> m.put(Checkpoint.ARCH_KEY, "transformer9"));
        assertMentions(predict(3), "unknown architecture 'transformer9'", model.toString());
    }

    @Test
    void checkpointWhoseConfigIsNotJson() throws Exception {
        Fixtures.edit(model, t -> { }, m -> m.put(Checkpoint.CONFIG_KEY, "{\"in_features\": 16,"));
        assertMentions(predict(3), Checkpoint.CONFIG_KEY, "not a valid JSON");
    }

    @Test
    void checkpointWithoutMetadataNeedsArch() throws Exception {
        Fixtures.edit(model, t -> { }, m -> m.clear());
        assertMentions(predict(3), "no Lethe metadata", "--arch");
        Cli.runLeaving(model, "predict", "--model", model.toString(), "--arch", "mlp", "--set", "in_features=16",
                "--set", "hidden=8", "--set", "num_classes=3", "--input", data.toString(), "--out", out.toString())
                .expect(0);
    }

    @Test
    void labelsOutsideTheModelsClasses() throws Exception {
        Path bad = Fixtures.rawDataset(dir.resolve("labels.safetensors"), new int[] {4, 1, 4, 4},
                new long[] {0, 1, 5, 2});
        Cli.Result r = Cli.runLeaving(model, "inspect", "grad", "--model", model.toString(), "--data", bad.toString(),
                "--out", out.toString()).expect(3).noStackTrace();
        assertMentions(r, "label 5 at index 2", "outside 0..2", bad.toString());
    }

    @Test
    void imagesOfTheWrongSize() throws Exception {
        Path small = Fixtures.dataset(dir.resolve("small.safetensors"), 6, 1, 5, 5, 3);
        assertMentions(predict(model, small, 3), "1×5×5", "in_features = 16", small.toString());
    }

    @Test
    void imagesWithTheWrongNumberOfChannels() throws Exception {
        Path vit = Fixtures.model(dir.resolve("vit.safetensors"), Fixtures.VIT);
        Path rgb = Fixtures.dataset(dir.resolve("rgb.safetensors"), 6, 3, 8, 8, 3);
        assertMentions(predict(vit, rgb, 3), "3 channels", "in_channels = 1", rgb.toString());
    }

    @Test
    void anEmptyDataset() throws Exception {
        Path empty = Fixtures.rawDataset(dir.resolve("empty.safetensors"), new int[] {0, 1, 4, 4}, new long[0]);
        Cli.Result r = Cli.runLeaving(model, "inspect", "grad", "--model", model.toString(), "--data",
                empty.toString(), "--out", out.toString()).expect(3).noStackTrace();
        assertMentions(r, "empty", empty.toString());
        assertMentions(predict(model, empty, 3), "no images", empty.toString());
    }

    @Test
    void anUnknownOptionIsAUsageError() throws Exception {
        Cli.Result r = Cli.runLeaving(model, "predict", "--model", model.toString(), "--input", data.toString(),
                "--out", out.toString(), "--frobnicate").expect(2).noStackTrace();
        assertTrue(r.err().contains("--frobnicate"), r.err());
        assertTrue(r.err().contains("lethe predict --help"), r.err());
    }

    @Test
    void aMissingFile() throws Exception {
        Path nowhere = dir.resolve("nowhere.safetensors");
        assertMentions(predict(model, nowhere, 3), "no such file", nowhere.toString());
        Cli.Result r = Cli.run("predict", "--model", nowhere.toString(), "--input", data.toString(), "--out",
                out.toString()).expect(3).noStackTrace();
        assertMentions(r, "no such file", nowhere.toString());
    }

    @Test
    void aDeviceOutOfMemoryIsARunFailureThatSaysWhatToTry() {
        DeviceOutOfMemoryException oom = new DeviceOutOfMemoryException("out of device memory allocating 1048576 "
                + "bytes (1048576 with rounding); allocator: 0 bytes in use, 0 cached, peak 0");
        assertEquals(FailureHandler.RUN_FAILURE, FailureHandler.exitCode(oom));
        String line = FailureHandler.message(oom);
        assertTrue(line.startsWith("out of device memory allocating 1048576 bytes") && line.contains("peak 0")
                && line.endsWith("try a smaller --batch-size"), line);
    }

    @Test
    void anUnavailableDevice() throws Exception {
        boolean cuda = dev.lethe.tensor.Backends.all().stream().anyMatch(b -> b.device().type().equals("cuda")
                && b.isAvailable());
        if (cuda) {
            return; // a machine with CUDA has nothing to report here
        }
        Cli.Result r = Cli.runLeaving(model, "predict", "--model", model.toString(), "--input", data.toString(),
                "--out", out.toString(), "--device", "cuda").expect(5).noStackTrace();
        assertMentions(r, "device cuda is unavailable");
    }

    @Test
    void noCommandWritesOverItsInputs() throws Exception {
        Cli.runLeaving(model, "predict", "--model", model.toString(), "--input", data.toString(), "--out",
                model.toString()).expect(2).noStackTrace();
        Cli.runLeaving(model, "inspect", "grad", "--model", model.toString(), "--data", data.toString(), "--out",
                model.toString()).expect(2).noStackTrace();
        Cli.runLeaving(model, "train", "--resume", model.toString(), "--data", data.toString(), "--out",
                model.toString()).expect(2).noStackTrace();
        // A model without training state cannot be resumed; the failure leaves it alone.
        Cli.Result r = Cli.runLeaving(model, "train", "--resume", model.toString(), "--data", data.toString(),
                "--out", out.toString()).expect(3).noStackTrace();
        assertMentions(r, "cannot be resumed");
    }

    @Test
    void verboseShowsTheStackTrace() throws Exception {
        Fixtures.edit(model, t -> t.remove("head.bias"), m -> { });
        Cli.Result r = Cli.run("predict", "--verbose", "--model", model.toString(), "--input", data.toString(),
                "--out", out.toString()).expect(3);
        assertTrue(r.err().contains("\tat "), r.err());
    }
}
