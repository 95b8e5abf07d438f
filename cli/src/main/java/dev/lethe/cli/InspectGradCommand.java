package dev.lethe.cli;

import dev.lethe.autograd.Variable;
import dev.lethe.data.Batch;
import dev.lethe.data.DataLoader;
import dev.lethe.data.Dataset;
import dev.lethe.nn.BatchNorm2d;
import dev.lethe.nn.Checkpoint;
import dev.lethe.nn.Dropout;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsWriter;
import dev.lethe.train.Seeds;
import dev.lethe.unlearn.ForgetSet;
import dev.lethe.unlearn.report.ReportCharts;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe inspect grad}: the gradient of the mean cross-entropy over all the input's
 * samples with respect to every trainable parameter (CLI.md). The data is read in file order in
 * batches of {@code --batch-size} (default: all of it at once), without augmentation; each
 * batch's mean loss is weighted by its share of the samples, so the result is the full mean's
 * gradient with BatchNorm statistics taken per batch. In train mode BatchNorm uses batch
 * statistics and leaves its running ones alone, and dropout draws from the seed's stream; in
 * eval mode both are off. The output holds one float32 tensor per parameter under its own name
 * and the 0-d float32 {@code loss}, nothing else.
 */
@Command(name = "grad", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Write the gradient of the mean cross-entropy for every trainable parameter.")
final class InspectGradCommand extends LetheCommand {
    /** The mode the model runs in while the gradient is taken. */
    enum Mode {
        /** Batch statistics, dropout on. */
        TRAIN,
        /** Running statistics, dropout off. */
        EVAL;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    @Mixin
    private ModelFileOptions model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Source source;

    /** Where the samples come from: a dataset or a safetensors file of images and labels. */
    static final class Source {
        @Option(names = "--data", paramLabel = "DATASET", converter = DatasetArgument.Converter.class,
                description = "fashion-mnist, fashion-mnist:test, a safetensors file or idx:IMAGES[,LABELS].")
        private DatasetArgument data;

        @Option(names = "--input", paramLabel = "X.safetensors",
                description = "A safetensors file with images and labels (the same as --data FILE).")
        private Path input;

        DatasetArgument dataset() {
            return data != null ? data : DatasetArgument.parse(input.toString());
        }
    }

    @Option(names = "--mode", paramLabel = "train|eval", defaultValue = "train",
            description = "Run the model in train mode (batch statistics, dropout) or eval mode (default: "
                    + "${DEFAULT-VALUE}).")
    private Mode mode;

    @Option(names = "--batch-size", paramLabel = "B",
            description = "Samples per forward pass (default: all of them in one batch).")
    private Integer batchSize;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the dropout masks in train mode (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE.safetensors",
            description = "Where to write the gradients and loss.")
    private Path out;

    @Option(names = "--forget", paramLabel = "SPEC",
            description = "Only the samples to forget: class:K[,K2...], random:FRACTION[:SEED], indices:FILE or "
                    + "range:A-B.")
    private String forget;

    @Option(names = "--plot", paramLabel = "FILE.png",
            description = "Also draw the histogram of log10 |gradient| over every parameter as a PNG.")
    private Path plot;

    @Mixin
    private DeviceOption device;

    InspectGradCommand(Console console) {
        super(console);
    }

    @Override
    protected void run() throws Exception {
        if (batchSize != null && batchSize <= 0) {
            throw usage("--batch-size must be > 0, got " + batchSize);
        }
        OutputFiles.requireDistinct(this, out, "--out", model.file(), "--model");
        Device on = device.device();
        try (MemoryScope scope = MemoryScope.open()) {
            Checkpoint.Loaded loaded = model.load();
            ModelSpec spec = loaded.spec();
            Dataset data = source.dataset().load(ModelInputs.normalization(spec), spec.numClasses(), console);
            if (forget != null) {
                ForgetSet set = UnlearningInputs.forget(forget, data);
                data = data.subset(set.indices(), "forget set " + set.description());
            }
            ModelInputs.checkImages(spec, data);
            ModelInputs.checkLabels(spec, data);
            Module net = loaded.model().to(on);
            double loss = accumulateGradients(net, data, batchSize != null ? batchSize : data.size());
            SafeTensorsWriter writer = new SafeTensorsWriter()
                    .metadata("lethe.inspect", "grad")
                    .metadata("lethe.inspect.mode", mode.toString())
                    .metadata("lethe.inspect.samples", Integer.toString(data.size()));
            int written = 0;
            for (Map.Entry<String, Variable> p : net.namedParameters().entrySet()) {
                if (p.getValue().requiresGrad()) {
                    Tensor g = p.getValue().grad();
                    writer.add(p.getKey(), g != null ? g.to(DType.FLOAT32)
                            : Tensor.zeros(DType.FLOAT32, p.getValue().shape()));
                    written++;
                }
            }
            writer.add("loss", Tensor.scalar(loss, DType.FLOAT32)).write(out);
            if (plot != null) {
                Map<String, Tensor> magnitudes = new LinkedHashMap<>();
                for (Map.Entry<String, Variable> p : net.namedParameters().entrySet()) {
                    if (p.getValue().grad() != null) {
                        magnitudes.put(p.getKey(), p.getValue().grad().abs());
                    }
                }
                ReportCharts.writeHistograms(plot, "gradient of the mean loss over " + data.size() + " samples ("
                        + mode + " mode)", Map.of("|gradient|", InspectImportanceCommand.log10Histogram(magnitudes)));
            }
            net.zeroGrad();
            console.out().printf(Locale.ROOT, "wrote the gradients of %d parameters to %s (mean loss %.6f over %d "
                    + "samples, %s mode)%n", written, out, loss, data.size(), mode);
        }
    }

    /** Accumulates d(mean loss)/dθ into the parameters' gradients; returns the mean loss. */
    private double accumulateGradients(Module net, Dataset data, int batch) {
        net.train(mode == Mode.TRAIN);
        BatchNorm2d.updateRunningStats(net, false);
        Philox dropout = new Philox(Seeds.derive(seed, Seeds.DROPOUT));
        for (Module m : net.namedModules().values()) {
            if (m instanceof Dropout d) {
                d.generator(dropout);
            }
        }
        net.zeroGrad();
        double total = 0;
        try (DataLoader loader = new DataLoader(data, batch); DataLoader.Epoch epoch = loader.epoch(0)) {
            while (epoch.hasNext()) {
                try (Batch b = epoch.next(); MemoryScope step = MemoryScope.open()) {
                    Device on = net.device();
                    Variable loss = net.forward(b.images().to(on)).crossEntropy(b.labels().to(on), 0.0);
                    double value = loss.item();
                    if (!Double.isFinite(value)) {
                        throw new RunFailureException("the loss of batch " + (b.number() + 1) + " (samples "
                                + b.indices()[0] + "…" + b.indices()[b.size() - 1] + ") is " + value
                                + "; no gradient written", null);
                    }
                    double share = (double) b.size() / data.size();
                    total += value * share;
                    (b.size() == data.size() ? loss : loss.mul(share)).backward();
                }
            }
        }
        return total;
    }
}
