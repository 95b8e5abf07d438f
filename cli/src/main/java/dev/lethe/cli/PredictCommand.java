package dev.lethe.cli;

import dev.lethe.autograd.NoGrad;
import dev.lethe.data.Batch;
import dev.lethe.data.DataLoader;
import dev.lethe.data.Dataset;
import dev.lethe.nn.Checkpoint;
import dev.lethe.nn.Module;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.HostStorage;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsWriter;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe predict}: runs a model in evaluation mode on the {@code images} of a safetensors
 * file and writes exactly one tensor, {@code logits} [N,K] float32 (CLI.md).
 */
@Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Compute a model's logits for the images of a safetensors file.")
final class PredictCommand extends LetheCommand {
    @Mixin
    private ModelFileOptions model;

    @Option(names = "--input", required = true, paramLabel = "X.safetensors",
            description = "Images [N,C,H,W]: float32 as they are, uint8 divided by 255 and normalised with the "
                    + "model's normalize; other tensors are ignored.")
    private Path input;

    @Option(names = "--out", required = true, paramLabel = "LOGITS.safetensors",
            description = "Where to write the tensor logits [N,K] float32.")
    private Path out;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "256",
            description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    private int batchSize;

    @Mixin
    private DeviceOption device;

    PredictCommand(Console console) {
        super(console);
    }

    @Override
    protected void run() throws Exception {
        if (batchSize <= 0) {
            throw usage("--batch-size must be > 0, got " + batchSize);
        }
        OutputFiles.requireDistinct(this, out, "--out", model.file(), "--model");
        Device on = device.device();
        try (MemoryScope scope = MemoryScope.open()) {
            Checkpoint.Loaded loaded = model.load();
            Module net = loaded.model().to(on);
            Dataset images = InputImages.read(input, ModelInputs.normalization(loaded.spec()));
            ModelInputs.checkImages(loaded.spec(), images);
            int n = images.size();
            int k = loaded.spec().numClasses();
            Tensor logits = Tensor.empty(DType.FLOAT32, n, k);
            FloatBuffer dst = ((HostStorage) logits.storage()).floats();
            net.eval();
            try (NoGrad g = NoGrad.enter(); DataLoader loader = new DataLoader(images, batchSize);
                 DataLoader.Epoch epoch = loader.epoch(0)) {
                int row = 0;
                while (epoch.hasNext()) {
                    try (Batch b = epoch.next(); MemoryScope step = MemoryScope.open()) {
                        float[] values = net.forward(b.images().to(on)).value().contiguous().toFloatArray();
                        dst.put(row * k, values);
                        row += b.size();
                    }
                }
            }
            new SafeTensorsWriter().add("logits", logits).write(out);
            console.out().printf(Locale.ROOT, "wrote logits [%d, %d] for %s to %s%n", n, k, input, out);
        }
    }
}
