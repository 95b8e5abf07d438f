package dev.lethe.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.data.Augment;
import dev.lethe.data.DataLoader;
import dev.lethe.data.Dataset;
import dev.lethe.nn.Checkpoint;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.optim.AdamW;
import dev.lethe.optim.Constant;
import dev.lethe.optim.Optimizer;
import dev.lethe.optim.Sgd;
import dev.lethe.optim.WarmupCosine;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.MalformedFileException;
import dev.lethe.tensor.io.SafeTensorsReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on small synthetic data: learning, exact resume, stopping, checkpoints, progress. */
class TrainerTest {
    @TempDir
    Path dir;

    /**
     * Three classes of 1×side×side float images: a fixed ±1 pattern per class plus Gaussian
     * noise of standard deviation 0.8, so the classes are linearly separable with a margin.
     */
    static Dataset blobs(int n, int side, long seed) {
        Philox rng = new Philox(seed);
        int d = side * side;
        double[] patterns = new double[3 * d];
        new Philox(99).normals(patterns);
        double[] noise = new double[n * d];
        rng.normals(noise);
        long[] labels = new long[n];
        rng.ints(0, 3, labels);
        float[] pixels = new float[n * d];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = (int) labels[i];
            for (int j = 0; j < d; j++) {
                pixels[i * d + j] = (float) (Math.signum(patterns[y[i] * d + j]) + 0.8 * noise[i * d + j]);
            }
        }
        return Dataset.ofFloats("blobs(" + n + ", seed " + seed + ")", pixels, y, 1, side, side, 3);
    }

    private static ModelSpec mlp(int side, double dropout) {
        return ModelSpec.of("mlp", Map.of("in_features", side * side, "hidden", List.of(32), "num_classes", 3,
                "dropout", dropout));
    }

    @Test
    void learnsASeparableProblem() throws IOException {
        ModelSpec spec = mlp(4, 0);
        Module model = spec.build(new Philox(1));
        List<EpochReport> seen = new ArrayList<>();
        TrainOptions options = TrainOptions.defaults().withEpochs(4).withBatchSize(32).withSeed(1)
                .withOnEpoch(seen::add);
        try (Optimizer opt = new Sgd(model.parameters(), 0.05, 0.9, false, 5e-4)) {
            List<EpochReport> reports = new Trainer(model, spec, opt, new Constant(0.05), options)
                    .fit(blobs(600, 4, 2), blobs(300, 4, 3));
            assertEquals(reports, seen);
            assertEquals(4, reports.size());
            EpochReport last = reports.get(3);
            assertTrue(last.test().accuracy() > 0.95, "test accuracy " + last.test());
            assertTrue(last.trainLoss() < reports.get(0).trainLoss(), "the loss falls: " + reports);
            assertEquals(4L * 19, last.steps(), "19 batches of 32 (the last partial) per epoch");
        }
    }

    @Test
    void resumingAfterAnEpochGivesBitIdenticalWeights() throws IOException {
        // Dropout, augmentation, AdamW state and a step-dependent schedule all take part.
        ModelSpec spec = mlp(6, 0.2);
        Dataset train = blobs(200, 6, 4);
        TrainOptions options = TrainOptions.defaults().withBatchSize(16).withSeed(7).withAugment(new Augment(1, true));
        WarmupCosine schedule = new WarmupCosine(3e-3, 5, 26, 1e-4);

        Path straight = dir.resolve("straight.safetensors");
        Module a = spec.build(new Philox(7));
        try (Optimizer opt = new AdamW(a.parameters(), 0, 0.9, 0.999, 1e-8, 0.05)) {
            new Trainer(a, spec, opt, schedule, options.withEpochs(2).withCheckpoint(straight)).fit(train, null);
        }

        Path first = dir.resolve("first.safetensors");
        Module b = spec.build(new Philox(7));
        try (Optimizer opt = new AdamW(b.parameters(), 0, 0.9, 0.999, 1e-8, 0.05)) {
            new Trainer(b, spec, opt, schedule, options.withEpochs(1).withCheckpoint(first)).fit(train, null);
        }
        Path resumed = dir.resolve("resumed.safetensors");
        Module c = spec.build(new Philox(12345)); // other weights: resume must overwrite them
        try (Optimizer opt = new AdamW(c.parameters(), 0, 0.9, 0.999, 1e-8, 0.05)) {
            Trainer t = new Trainer(c, spec, opt, schedule, options.withEpochs(2).withCheckpoint(resumed));
            t.resume(first);
            assertEquals(1, t.epochsDone());
            assertEquals(13, t.steps());
            assertEquals(1, t.fit(train, null).size());
        }
        for (Map.Entry<String, Tensor> e : a.stateDict().entrySet()) {
            assertArrayEquals(e.getValue().toDoubleArray(), c.stateDict().get(e.getKey()).toDoubleArray(), e.getKey());
        }
        assertArrayEquals(Files.readAllBytes(straight), Files.readAllBytes(resumed),
                "the checkpoints, optimizer state and counters included, are byte for byte the same");
    }

    @Test
    void aNonFiniteLossStopsTrainingNamingTheStep() throws IOException {
        Dataset clean = blobs(64, 4, 5);
        float[] pixels = new float[64 * 16];
        for (int i = 0; i < 64; i++) {
            clean.readImage(i, pixels, i * 16);
        }
        pixels[37 * 16 + 3] = Float.NaN; // image 37
        Dataset poisoned = Dataset.ofFloats("poisoned", pixels, clean.labels(), 1, 4, 4, 3);
        TrainOptions options = TrainOptions.defaults().withEpochs(1).withBatchSize(8).withSeed(3);
        int[] order = new DataLoader(poisoned, 8).shuffled(Seeds.derive(3, Seeds.DATA)).order(0);
        int position = 0;
        while (order[position] != 37) {
            position++;
        }
        // No hidden layer: the NaN reaches the logits directly (the CPU ReLU maps NaN to 0).
        ModelSpec spec = ModelSpec.of("mlp", Map.of("in_features", 16, "hidden", List.of(), "num_classes", 3));
        Module model = spec.build(new Philox(1));
        try (Optimizer opt = new Sgd(model.parameters(), 0.01)) {
            Trainer trainer = new Trainer(model, spec, opt, new Constant(0.01), options);
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class, () -> trainer.fit(poisoned, null));
            assertEquals(position / 8, e.step());
            assertTrue(e.getMessage().startsWith("the loss became NaN at step " + position / 8 + " (epoch 1, batch "
                    + (position / 8 + 1) + ")"), e.getMessage());
        }
    }

    @Test
    void checkpointsAreWrittenAfterEveryEpochAndMemoryStaysFlat() throws IOException {
        ModelSpec spec = mlp(4, 0);
        Module model = spec.build(new Philox(1));
        Path file = dir.resolve("ck.safetensors");
        List<Long> live = new ArrayList<>();
        List<String> epochsOnDisk = new ArrayList<>();
        TrainOptions options = TrainOptions.defaults().withEpochs(3).withBatchSize(32).withSeed(1).withCheckpoint(file)
                .withOnEpoch(r -> {
                    live.add(HostStorage.liveBytes());
                    try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
                        epochsOnDisk.add(reader.metadata().get("lethe.train.epoch"));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
        try (Optimizer opt = new Sgd(model.parameters(), 0.05, 0.9, true, 0)) {
            new Trainer(model, spec, opt, new Constant(0.05), options).fit(blobs(200, 4, 2), blobs(50, 4, 3));
        }
        assertEquals(List.of("1", "2", "3"), epochsOnDisk);
        assertEquals(live.get(0), live.get(2), "native memory after epochs 1 and 3: " + live);
        Checkpoint.Loaded loaded = Checkpoint.read(file);
        assertEquals(spec, loaded.spec());
        assertEquals(List.of("optim.0.momentum_buffer", "optim.1.momentum_buffer", "optim.2.momentum_buffer",
                "optim.3.momentum_buffer"), List.copyOf(loaded.extras().keySet()));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary files left behind");
        }
    }

    @Test
    void resumeRefusesAnotherRunsCheckpoint() throws IOException {
        ModelSpec spec = mlp(4, 0);
        Module model = spec.build(new Philox(1));
        Path file = dir.resolve("ck.safetensors");
        TrainOptions options = TrainOptions.defaults().withEpochs(1).withBatchSize(32).withSeed(1).withCheckpoint(file);
        try (Optimizer opt = new Sgd(model.parameters(), 0.05)) {
            new Trainer(model, spec, opt, new Constant(0.05), options).fit(blobs(64, 4, 2), null);
            Trainer other = new Trainer(model, spec, opt, new Constant(0.05), options.withSeed(2));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.resume(file));
            assertTrue(e.getMessage().contains("seed 1 and batch size 32; this run has seed 2"), e.getMessage());

            Path plain = dir.resolve("plain.safetensors");
            Checkpoint.write(plain, model, spec, Map.of());
            MalformedFileException m = assertThrows(MalformedFileException.class,
                    () -> new Trainer(model, spec, opt, new Constant(0.05), options).resume(plain));
            assertTrue(m.getMessage().contains("has no training state"), m.getMessage());
        }
    }

    @Test
    void progressLinesReportStepLossSpeedAndEta() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ModelSpec spec = mlp(4, 0);
        Module model = spec.build(new Philox(1));
        TrainOptions options = TrainOptions.defaults().withEpochs(2).withBatchSize(32).withSeed(1)
                .withProgress(Progress.lines(out, 5));
        try (Optimizer opt = new Sgd(model.parameters(), 0.05)) {
            new Trainer(model, spec, opt, new Constant(0.05), options).fit(blobs(200, 4, 2), blobs(50, 4, 3));
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        // 7 batches per epoch: reports at steps 5 and 7, then the summary; twice.
        assertEquals(6, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).matches("epoch 1/2  step 5/7  loss \\d+\\.\\d{4}  [\\d,]+ img/s  ETA \\d+:\\d\\d"),
                lines.get(0));
        assertTrue(lines.get(1).startsWith("epoch 1/2  step 7/7  "), lines.get(1));
        assertTrue(lines.get(2).matches("epoch 1/2  train loss .* acc .*% \\| test loss .* acc .*% \\| .* img/s, [\\d.]+ MB held"),
                lines.get(2));
        assertEquals("1:01", Progress.clock(61));
        assertEquals("0:00", Progress.clock(0.2));
        assertEquals("1:00:05", Progress.clock(3605));
    }

    @Test
    void theBarRedrawsInPlaceAndEndsWithTheSummary() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress bar = Progress.bar(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        bar.begin("epoch 1/1", 4);
        for (int i = 0; i < 4; i++) {
            bar.advance(10, 0.5);
        }
        bar.end("done");
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("\repoch 1/1 [="), text);
        assertTrue(text.contains("[==============================] 4/4  loss 0.5000"), text);
        assertTrue(text.endsWith("\repoch 1/1  done" + " ".repeat(40) + "\n"), text);
        assertEquals(1, text.chars().filter(c -> c == '\n').count(), "one line: the bar is redrawn with \\r");
    }

    @Test
    void dropLastSkipsThePartialBatch() throws IOException {
        ModelSpec spec = mlp(4, 0);
        Module model = spec.build(new Philox(1));
        try (Optimizer opt = new Sgd(model.parameters(), 0.05)) {
            Trainer t = new Trainer(model, spec, opt, new Constant(0.05),
                    TrainOptions.defaults().withEpochs(1).withBatchSize(32).withDropLast(true));
            t.fit(blobs(100, 4, 2), null);
            assertEquals(3, t.steps());
        }
    }

    @Test
    void evaluationCountsPerClass() {
        ModelSpec spec = mlp(4, 0);
        Module model = spec.build(new Philox(1));
        Dataset test = blobs(90, 4, 3);
        Evaluation e = Evaluation.of(model, test, 16);
        assertEquals(90, e.total());
        assertArrayEquals(test.classCounts(), e.totalPerClass());
        int sum = 0;
        for (int c : e.correctPerClass()) {
            sum += c;
        }
        assertEquals(e.correct(), sum);
        assertTrue(model.isTraining(), "the mode is restored");
        assertTrue(Double.isFinite(e.loss()) && e.loss() > 0);
    }
}
