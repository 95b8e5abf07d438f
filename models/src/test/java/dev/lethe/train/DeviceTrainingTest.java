package dev.lethe.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.autograd.Variable;
import dev.lethe.data.Dataset;
import dev.lethe.nn.BatchNorm2d;
import dev.lethe.nn.Checkpoint;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.optim.AdamW;
import dev.lethe.optim.Constant;
import dev.lethe.optim.Optimizer;
import dev.lethe.optim.Sgd;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.testing.EmulatedDeviceBackend;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model.to(device)} and training, evaluation and checkpoints of a model on another device.
 * The device is {@code test:0} ({@link EmulatedDeviceBackend}): CPU arithmetic behind device
 * labels, so a run there must give bit-identical numbers to the same run on the CPU, and any host
 * tensor that leaks into the device computation fails the same-device checks.
 */
class DeviceTrainingTest {
    private static final Device TEST = EmulatedDeviceBackend.DEVICE;

    @TempDir
    Path dir;

    private static ModelSpec mlp() {
        return ModelSpec.of("mlp", Map.of("in_features", 16, "hidden", List.of(8), "num_classes", 3, "dropout", 0.2));
    }

    private static ModelSpec resnet() {
        return ModelSpec.of("resnet18", Map.of("stem", "cifar", "in_channels", 1, "num_classes", 3));
    }

    private static ModelSpec vit() {
        return ModelSpec.of("vit", Map.of("image_size", 8, "patch_size", 4, "in_channels", 1, "embed_dim", 8,
                "depth", 1, "num_heads", 2, "mlp_ratio", 2.0, "num_classes", 3, "dropout", 0.1));
    }

    /** One training run: the per-epoch losses and accuracies, then the final weights read back on the host. */
    private record Run(List<Double> numbers, Map<String, float[]> weights) {
    }

    private static Run train(ModelSpec spec, Device device, Dataset train, Dataset test, TrainOptions options,
                             Function<List<Variable>, Optimizer> optimizer) throws IOException {
        Module model = spec.build(new Philox(7)).to(device);
        List<Double> numbers = new ArrayList<>();
        try (Optimizer opt = optimizer.apply(model.parameters())) {
            for (EpochReport r : new Trainer(model, spec, opt, new Constant(0.05), options).fit(train, test)) {
                numbers.add(r.trainLoss());
                numbers.add(r.trainAccuracy());
                if (r.test() != null) {
                    numbers.add(r.test().loss());
                    numbers.add(r.test().accuracy());
                }
            }
        }
        return new Run(numbers, hostWeights(model));
    }

    private static Map<String, float[]> hostWeights(Module model) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        model.stateDict().forEach((k, v) -> out.put(k, v.toFloatArray()));
        return out;
    }

    private static void assertSameRun(Run cpu, Run device) {
        assertEquals(cpu.numbers(), device.numbers(), "losses and accuracies");
        assertEquals(cpu.weights().keySet(), device.weights().keySet());
        cpu.weights().forEach((k, v) -> assertArrayEquals(v, device.weights().get(k), k));
    }

    private static void assertAllOn(Module model, Device device) {
        model.stateDict().forEach((k, v) -> assertEquals(device, v.device(), k));
    }

    @Test
    void mlpTrainsOnTheDeviceAsOnTheCpu() throws IOException {
        TrainOptions options = TrainOptions.defaults().withEpochs(2).withBatchSize(16).withSeed(3);
        Function<List<Variable>, Optimizer> sgd = p -> new Sgd(p, 0.05, 0.9, true, 5e-4);
        Dataset train = TrainerTest.blobs(64, 4, 2);
        Dataset test = TrainerTest.blobs(32, 4, 3);
        long fused = EmulatedDeviceBackend.fusedUpdates();
        assertSameRun(train(mlp(), Device.CPU, train, test, options, sgd),
                train(mlp(), TEST, train, test, options, sgd));
        assertTrue(EmulatedDeviceBackend.fusedUpdates() > fused, "SGD took the fused path on the device");
    }

    @Test
    void resnet18TrainsOnTheDeviceAsOnTheCpu() throws IOException {
        TrainOptions options = TrainOptions.defaults().withEpochs(1).withBatchSize(2).withDropLast(true)
                .withSeed(5).withEvalBatchSize(2);
        Function<List<Variable>, Optimizer> sgd = p -> new Sgd(p, 0.05, 0.9, false, 5e-4);
        Dataset train = TrainerTest.blobs(4, 8, 2);
        Dataset test = TrainerTest.blobs(2, 8, 3);
        assertSameRun(train(resnet(), Device.CPU, train, test, options, sgd),
                train(resnet(), TEST, train, test, options, sgd));
    }

    @Test
    void vitTrainsOnTheDeviceAsOnTheCpu() throws IOException {
        TrainOptions options = TrainOptions.defaults().withEpochs(2).withBatchSize(4).withSeed(9).withClipNorm(1.0);
        Function<List<Variable>, Optimizer> adam = p -> new AdamW(p, 1e-2);
        Dataset train = TrainerTest.blobs(8, 8, 2);
        Dataset test = TrainerTest.blobs(4, 8, 3);
        long fused = EmulatedDeviceBackend.fusedUpdates();
        assertSameRun(train(vit(), Device.CPU, train, test, options, adam),
                train(vit(), TEST, train, test, options, adam));
        assertTrue(EmulatedDeviceBackend.fusedUpdates() > fused, "AdamW took the fused path on the device");
    }

    @Test
    void toMovesParametersAndBuffersInPlaceAndBack() {
        Module model = resnet().build(new Philox(1));
        List<Variable> params = model.parameters();
        Map<String, float[]> before = hostWeights(model);
        BatchNorm2d bn = (BatchNorm2d) model.namedModules().get("bn1");

        assertSame(model, model.to(TEST));
        assertEquals(TEST, model.device());
        assertAllOn(model, TEST);
        assertEquals(TEST, bn.runningMean().device(), "a layer reads its buffer after the move");
        for (Variable p : params) {
            assertEquals(TEST, p.value().device(), "a parameter list taken before the move sees the device");
        }
        assertEquals(params, model.parameters(), "parameters keep their identity");

        model.to(Device.CPU);
        assertAllOn(model, Device.CPU);
        Map<String, float[]> after = hostWeights(model);
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), k));
    }

    @Test
    void movingToTheCurrentDeviceChangesNothing() {
        Module model = mlp().build(new Philox(1)).to(TEST);
        List<Tensor> values = new ArrayList<>(model.stateDict().values());
        model.to(TEST);
        assertEquals(values, new ArrayList<>(model.stateDict().values()), "the same tensor objects");
    }

    @Test
    void movingFreesTheOldStorageAndMovesGradients() {
        Module model = resnet().build(new Philox(1));
        Tensor oldWeight = model.parameters().get(0).value();
        long live = HostStorage.liveBytes();
        model.to(TEST);
        // The emulated device keeps its data in host memory too: the new copies replace the old
        // bytes one for one, so nothing more is held than before.
        assertEquals(live, HostStorage.liveBytes());
        assertTrue(oldWeight.storage().isReleased(), "the host weight was freed");

        Variable p = model.parameters().get(0);
        try (MemoryScope scope = MemoryScope.open()) {
            Variable loss = p.square().sum();
            loss.backward();
        }
        assertEquals(TEST, p.grad().device());
        model.to(Device.CPU);
        assertEquals(Device.CPU, p.grad().device(), "the gradient moves with its parameter");
        model.zeroGrad();
    }

    @Test
    void aHostInputToADeviceModelIsRefusedByName() {
        Module mlp = mlp().build(new Philox(1)).to(TEST);
        Module resnet = resnet().build(new Philox(1)).to(TEST);
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor x = Tensor.zeros(DType.FLOAT32, 2, 16);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mlp.forward(x));
            assertTrue(e.getMessage().contains("different devices"), e.getMessage());
            Tensor images = Tensor.zeros(DType.FLOAT32, 2, 1, 8, 8);
            e = assertThrows(IllegalArgumentException.class, () -> resnet.forward(images));
            assertTrue(e.getMessage().contains("conv2d: tensors are on different devices"), e.getMessage());
        }
    }

    @Test
    void checkpointsOfADeviceModelLoadOnTheHostAndResumeOnTheDevice() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        ModelSpec spec = resnet();
        Dataset train = TrainerTest.blobs(4, 8, 2);
        TrainOptions options = TrainOptions.defaults().withEpochs(1).withBatchSize(2).withDropLast(true).withSeed(5)
                .withCheckpoint(file);
        Module model = spec.build(new Philox(7)).to(TEST);
        try (Optimizer opt = new Sgd(model.parameters(), 0.05, 0.9, false, 0)) {
            new Trainer(model, spec, opt, new Constant(0.05), options).fit(train, null);
        }
        Map<String, float[]> trained = hostWeights(model);

        Module loaded = Checkpoint.read(file).model();
        assertAllOn(loaded, Device.CPU);
        Map<String, float[]> read = hostWeights(loaded);
        trained.forEach((k, v) -> assertArrayEquals(v, read.get(k), k));

        // Resuming copies the host tensors of the file into a device model and its optimizer.
        Module resumed = spec.build(new Philox(99)).to(TEST);
        try (Optimizer opt = new Sgd(resumed.parameters(), 0.05, 0.9, false, 0)) {
            Trainer t = new Trainer(resumed, spec, opt, new Constant(0.05), options.withEpochs(2).withCheckpoint(null));
            t.resume(file);
            assertAllOn(resumed, TEST);
            Map<String, float[]> back = hostWeights(resumed);
            trained.forEach((k, v) -> assertArrayEquals(v, back.get(k), k));
            t.fit(train, null);
            assertAllOn(resumed, TEST);
            opt.state().values().forEach(s -> assertEquals(TEST, s.device()));
        }
    }
}
