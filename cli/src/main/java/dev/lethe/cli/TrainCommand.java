package dev.lethe.cli;

import dev.lethe.data.Dataset;
import dev.lethe.data.Normalization;
import dev.lethe.nn.Checkpoint;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.optim.Optimizer;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.cpu.CpuThreads;
import dev.lethe.train.EpochReport;
import dev.lethe.train.Evaluation;
import dev.lethe.train.Progress;
import dev.lethe.train.TrainOptions;
import dev.lethe.train.Trainer;
import dev.lethe.train.TrainingRecipe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe train}: trains a model from scratch (or continues a checkpoint) and writes it.
 * The model's config defaults follow the data (input size, channels, classes, the
 * normalisation of 8-bit images); the hyper-parameters follow the architecture's recipe
 * ({@link TrainingRecipe}). Progress goes to standard error, the final accuracy to standard
 * output.
 */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Train a model and write it as a safetensors checkpoint.")
final class TrainCommand extends LetheCommand {
    @Option(names = "--model", paramLabel = "ARCH", description = "mlp, resnet18 or vit.")
    private String arch;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A model config key (MODELS.md: hidden, num_classes, stem, embed_dim, normalize, ...) or "
                    + "a training key (optimizer, lr, momentum, nesterov, weight_decay, beta1, beta2, eps, schedule, "
                    + "warmup_epochs, min_lr, augment, clip_norm, epochs, batch_size, eval_batch_size); repeatable.")
    private Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--data", paramLabel = "DATASET", defaultValue = "fashion-mnist",
            converter = DatasetArgument.Converter.class,
            description = "Training data: fashion-mnist, fashion-mnist:test, a safetensors file or "
                    + "idx:IMAGES[,LABELS] (default: ${DEFAULT-VALUE}).")
    private DatasetArgument data;

    @Option(names = "--test", paramLabel = "DATASET", converter = DatasetArgument.Converter.class,
            description = "Data to evaluate on after each epoch (default: fashion-mnist:test when training on "
                    + "fashion-mnist, else none).")
    private DatasetArgument test;

    @Option(names = "--epochs", paramLabel = "N", description = "Epochs (default: the recipe's; mlp 10).")
    private Integer epochs;

    @Option(names = "--batch-size", paramLabel = "B", description = "Images per step (default: 128).")
    private Integer batchSize;

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default: the recipe's).")
    private Double lr;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "0",
            description = "Seed of the initial weights, data order, augmentation and dropout (default: "
                    + "${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--out", required = true, paramLabel = "MODEL.safetensors",
            description = "Where to write the trained model.")
    private Path out;

    @Option(names = "--checkpoint", paramLabel = "FILE",
            description = "Rewrite this checkpoint (model, optimizer state, counters) after every epoch.")
    private Path checkpoint;

    @Option(names = "--resume", paramLabel = "CHECKPOINT",
            description = "Continue a run from a --checkpoint file, with the same options; it is never modified.")
    private Path resume;

    @Mixin
    private DeviceOption device;

    TrainCommand(Console console) {
        super(console);
    }

    @Override
    protected void run() throws Exception {
        if (arch == null && resume == null) {
            throw usage("missing --model ARCH (mlp, resnet18 or vit), or --resume CHECKPOINT");
        }
        if (arch != null && !ModelSpec.ARCHITECTURES.contains(arch)) {
            throw usage("unknown architecture '" + arch + "' for --model; expected one of "
                    + String.join(", ", ModelSpec.ARCHITECTURES));
        }
        OutputFiles.requireDistinct(this, out, "--out", resume, "--resume");
        OutputFiles.requireDistinct(this, out, "--out", checkpoint, "--checkpoint");
        OutputFiles.requireDistinct(this, checkpoint, "--checkpoint", resume, "--resume");
        Device on = device.device();

        ModelSpec resumed = resume != null ? Checkpoint.spec(resume) : null;
        if (resumed != null && arch != null && !arch.equals(resumed.arch())) {
            throw new BadInputException(resume + " holds a " + resumed.arch() + " model, but --model says " + arch);
        }
        String architecture = resumed != null ? resumed.arch() : arch;
        Map<String, String> modelKeys = new LinkedHashMap<>();
        TrainingRecipe recipe = recipe(architecture, modelKeys);

        try (MemoryScope scope = MemoryScope.open()) {
            Normalization eightBit = resumed != null ? ModelInputs.normalization(resumed) : normalization(modelKeys);
            int classes = resumed != null ? resumed.numClasses() : classesGiven(modelKeys);
            Dataset train = data.load(eightBit, classes, console);
            ModelSpec spec = resumed != null ? sameSpec(resumed, modelKeys) : spec(architecture, modelKeys, train);
            ModelInputs.checkImages(spec, train);
            ModelInputs.checkLabels(spec, train);
            DatasetArgument testArgument = test != null ? test : data.testSplit();
            Dataset testData = null;
            if (testArgument != null) {
                testData = testArgument.load(eightBit, spec.numClasses(), console);
                ModelInputs.checkImages(spec, testData);
                ModelInputs.checkLabels(spec, testData);
            }
            fit(spec, recipe, train, testData, on);
        }
    }

    private void fit(ModelSpec spec, TrainingRecipe recipe, Dataset train, Dataset testData, Device on) throws Exception {
        Module model = spec.build(new Philox(seed)).to(on); // before the optimizer, whose state follows the parameters
        long stepsPerEpoch = (train.size() + recipe.batchSize() - 1) / recipe.batchSize();
        List<EpochReport> reports = new ArrayList<>();
        TrainOptions options = TrainOptions.defaults()
                .withEpochs(recipe.epochs())
                .withBatchSize(recipe.batchSize())
                .withSeed(seed)
                .withAugment(recipe.augmentation(train.height(), train.width()))
                .withClipNorm(recipe.clipNorm())
                .withEvalBatchSize(recipe.evalBatchSize())
                .withCheckpoint(checkpoint)
                .withProgress(Progress.forConsole(console.err(), (int) Math.max(1, stepsPerEpoch / 10)))
                .withOnEpoch(reports::add);
        long start = System.nanoTime();
        try (Optimizer optimizer = recipe.optimizer(model.parameters())) {
            Trainer trainer = new Trainer(model, spec, optimizer, recipe.schedule(stepsPerEpoch), options);
            if (resume != null) {
                trainer.resume(resume);
                console.err().printf(Locale.ROOT, "resuming %s after epoch %d of %d%n", resume, trainer.epochsDone(),
                        recipe.epochs());
            }
            console.err().printf(Locale.ROOT, "training %s on %s (%,d images %d×%d×%d, %d classes; %s) for %s: "
                            + "%s; seed %d, %d threads%n", spec, train.source(), train.size(), train.channels(),
                    train.height(), train.width(), train.numClasses(), testData == null ? "no test data"
                            : "testing on " + testData.source(), epochCount(recipe.epochs()), recipe.describe(), seed,
                    CpuThreads.threads());
            trainer.fit(train, testData);
        }
        Checkpoint.write(out, model, spec, recipe.toMetadata(seed));
        double seconds = (System.nanoTime() - start) / 1e9;
        console.out().println(result(model, recipe, testData, reports, seconds));
    }

    private String result(Module model, TrainingRecipe recipe, Dataset testData, List<EpochReport> reports,
                          double seconds) {
        EpochReport last = reports.isEmpty() ? null : reports.get(reports.size() - 1);
        Evaluation eval = last != null ? last.test() : null;
        if (eval == null && testData != null) {
            eval = Evaluation.of(model, testData, recipe.evalBatchSize());
        }
        String trained = String.format(Locale.ROOT, "after %s (%.1f s)", epochCount(recipe.epochs()), seconds);
        if (eval != null) {
            return String.format(Locale.ROOT, "test accuracy %.2f%% (%d/%d), test loss %.4f %s; wrote %s",
                    100 * eval.accuracy(), eval.correct(), eval.total(), eval.loss(), trained, out);
        }
        String train = last == null ? "" : String.format(Locale.ROOT, "train accuracy %.2f%% (last epoch), ",
                100 * last.trainAccuracy());
        return train + "no test data (--test DATASET) " + trained + "; wrote " + out;
    }

    private static String epochCount(int n) {
        return n + (n == 1 ? " epoch" : " epochs");
    }

    /** The recipe with --set training keys and the explicit options; the other --set keys go to {@code modelKeys}. */
    private TrainingRecipe recipe(String architecture, Map<String, String> modelKeys) {
        TrainingRecipe recipe = TrainingRecipe.defaults(architecture);
        for (Map.Entry<String, String> e : settings.entrySet()) {
            if (TrainingRecipe.KEYS.contains(e.getKey())) {
                recipe = withSetting(recipe, "--set " + e.getKey(), e.getKey(), e.getValue());
            } else {
                modelKeys.put(e.getKey(), e.getValue());
            }
        }
        if (epochs != null) {
            recipe = withSetting(recipe, "--epochs", "epochs", epochs.toString());
        }
        if (batchSize != null) {
            recipe = withSetting(recipe, "--batch-size", "batch_size", batchSize.toString());
        }
        if (lr != null) {
            recipe = withSetting(recipe, "--lr", "lr", lr.toString());
        }
        return recipe;
    }

    private TrainingRecipe withSetting(TrainingRecipe recipe, String option, String key, String value) {
        try {
            return recipe.with(key, value);
        } catch (IllegalArgumentException e) {
            throw usage(option + "=" + value + ": " + e.getMessage());
        }
    }

    /** The normalisation of 8-bit training images: --set normalize, else only /255 (Fashion-MNIST: its own). */
    private Normalization normalization(Map<String, String> modelKeys) {
        String given = modelKeys.get("normalize");
        if (given == null) {
            return Normalization.SCALE_ONLY;
        }
        if (data.isFashionMnist()) {
            throw usage("--set normalize does not apply to fashion-mnist, which is always normalised with its own "
                    + "statistics (mean 0.2860, std 0.3530)");
        }
        try {
            // An MLP spec parses the value without the channel check, which waits for the data.
            return ModelInputs.normalization(ModelSpec.of("mlp", Map.of("normalize", given)));
        } catch (IllegalArgumentException e) {
            throw usage("--set normalize=" + given + ": " + e.getMessage());
        }
    }

    private int classesGiven(Map<String, String> modelKeys) {
        String given = modelKeys.get("num_classes");
        try {
            return given == null ? 0 : Integer.parseInt(given.strip());
        } catch (NumberFormatException e) {
            throw usage("--set num_classes=" + given + ": not an integer");
        }
    }

    /**
     * The model spec: the --set keys, and where they are silent, what the data says (input size,
     * channels, classes, and the normalisation its 8-bit images were read with).
     */
    private ModelSpec spec(String architecture, Map<String, String> modelKeys, Dataset train) {
        Map<String, Object> config = new LinkedHashMap<>();
        switch (architecture) {
            case "mlp" -> config.put("in_features", train.imageSize());
            case "resnet18" -> config.put("in_channels", train.channels());
            default -> {
                config.put("in_channels", train.channels());
                config.put("image_size", train.height());
            }
        }
        config.put("num_classes", train.numClasses());
        Normalization n = train.normalization();
        if (n != null && !n.equals(Normalization.SCALE_ONLY)) {
            config.put("normalize", Map.of("mean", perChannel(n.mean(), train.channels()),
                    "std", perChannel(n.std(), train.channels())));
        }
        config.putAll(modelKeys);
        try {
            return ModelSpec.of(architecture, config);
        } catch (IllegalArgumentException e) {
            throw usage("--set: " + e.getMessage() + (e.getMessage().contains("unknown config key")
                    ? "; or a training key: " + String.join(", ", TrainingRecipe.KEYS) : ""));
        }
    }

    private static List<Double> perChannel(double[] values, int channels) {
        double[] v = values.length == channels ? values : filled(values[0], channels);
        return Arrays.stream(v).boxed().toList();
    }

    private static double[] filled(double value, int n) {
        double[] v = new double[n];
        Arrays.fill(v, value);
        return v;
    }

    /** The resumed checkpoint's spec; --set model keys may only repeat it. */
    private ModelSpec sameSpec(ModelSpec resumed, Map<String, String> modelKeys) {
        ModelSpec s = resumed;
        for (Map.Entry<String, String> e : modelKeys.entrySet()) {
            try {
                s = s.with(e.getKey(), e.getValue());
            } catch (IllegalArgumentException ex) {
                throw usage("--set " + e.getKey() + "=" + e.getValue() + ": " + ex.getMessage());
            }
        }
        if (!s.equals(resumed)) {
            throw usage("the model config cannot change when resuming: " + resume + " holds " + resumed
                    + ", the --set keys make it " + s);
        }
        return resumed;
    }
}
