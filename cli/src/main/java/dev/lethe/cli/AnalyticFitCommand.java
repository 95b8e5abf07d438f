package dev.lethe.cli;

import dev.lethe.data.Dataset;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.train.Progress;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.analytic.AnalyticHead;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe analytic fit}: freezes the model's backbone (everything before {@code head} for
 * MLP and ViT, {@code fc} for ResNet) and learns the analytic head of UNLEARNING.md on the data
 * in file order; writes the model with the head to {@code --out}. Keys: {@code buffer_size}
 * (default 2048 for mlp, 8192 otherwise) and {@code gamma} (0.1).
 */
@Command(name = "fit", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Learn an analytic (closed-form, exactly unlearnable) head on a frozen backbone.")
final class AnalyticFitCommand extends LetheCommand {
    @Mixin
    private ModelFileOptions model;

    @Option(names = "--data", required = true, paramLabel = "DATASET", converter = DatasetArgument.Converter.class,
            description = "The training data to learn the head on (e.g. fashion-mnist).")
    private DatasetArgument data;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the random buffer layer (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--out", required = true, paramLabel = "MODEL_WITH_HEAD.safetensors",
            description = "Where to write the model with its head.")
    private Path out;

    @Mixin
    private DeviceOption device;

    AnalyticFitCommand(Console console) {
        super(console);
    }

    @Override
    protected void run() throws Exception {
        OutputFiles.requireDistinct(this, out, "--out", model.file(), "--model");
        Device on = device.device();
        try (MemoryScope scope = MemoryScope.open()) {
            TrainedModel m = UnlearningInputs.model(model, on);
            Hyperparameters h = UnlearningInputs.hyperparameters(model);
            int d = h.integer("buffer_size", AnalyticHead.defaultBufferSize(m.spec()), 1);
            double gamma = h.positive("gamma", AnalyticHead.DEFAULT_GAMMA);
            h.requireAllUsed("analytic fit");
            Dataset train = UnlearningInputs.data(data, m.spec(), console);
            long t0 = System.nanoTime();
            AnalyticHead head = AnalyticHead.fit(m.network(), m.spec(), train, d, gamma, seed,
                    Progress.forConsole(console.err(), 20));
            m.withAnalytic(head).write(out);
            console.out().printf(Locale.ROOT, "fitted an analytic head (buffer %d, gamma %s) on %,d samples of %s "
                    + "in %.1f s; wrote %s%n", d, gamma, train.size(), train.source(), (System.nanoTime() - t0) / 1e9,
                    out);
        }
    }
}
