package dev.lethe.cli;

import dev.lethe.data.Dataset;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsDType;
import dev.lethe.tensor.io.SafeTensorsWriter;
import dev.lethe.train.Progress;
import dev.lethe.unlearn.ForgetSet;
import dev.lethe.unlearn.Histogram;
import dev.lethe.unlearn.Hyperparameters;
import dev.lethe.unlearn.TrainedModel;
import dev.lethe.unlearn.report.ReportCharts;
import dev.lethe.unlearn.salun.SaliencyMap;
import dev.lethe.unlearn.salun.SaliencyMask;
import dev.lethe.unlearn.ssd.ImportanceEstimator;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe inspect fisher} and {@code lethe inspect saliency} (CLI.md): the per-parameter
 * numbers SSD and SalUn decide with, written under the parameters' own names. Both run the model
 * in eval mode over the data in file order, without augmentation.
 */
final class InspectImportanceCommand {
    private InspectImportanceCommand() {
    }

    /**
     * The options both share, and their run: the model, its {@code --set} values (read and checked
     * before any data is loaded), the data, then the command's own computation and file.
     */
    abstract static class Base extends LetheCommand {
        @Mixin
        ModelFileOptions model;

        @Option(names = "--data", required = true, paramLabel = "DATASET",
                converter = DatasetArgument.Converter.class,
                description = "The training data D (e.g. fashion-mnist).")
        DatasetArgument data;

        @Option(names = "--forget", paramLabel = "SPEC",
                description = "Restrict to D_f: class:K[,K2...], random:FRACTION[:SEED], indices:FILE or range:A-B.")
        String forget;

        @Option(names = "--batch-size", paramLabel = "B", description = "Samples per batch.")
        Integer batchSize;

        @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "Where to write.")
        Path out;

        @Option(names = "--plot", paramLabel = "FILE.png", description = "Also draw the numbers as a PNG chart.")
        Path plot;

        @Mixin
        DeviceOption device;

        private final int defaultBatchSize;

        Base(Console console, int defaultBatchSize) {
            super(console);
            this.defaultBatchSize = defaultBatchSize;
        }

        @Override
        protected final void run() throws Exception {
            OutputFiles.requireDistinct(this, out, "--out", model.file(), "--model");
            int batch = batch(defaultBatchSize);
            Device on = device.device();
            try (MemoryScope scope = MemoryScope.open()) {
                TrainedModel m = UnlearningInputs.model(model, on);
                Inspection inspection = prepare(UnlearningInputs.hyperparameters(model), batch);
                Dataset subject = subject(UnlearningInputs.data(data, m.spec(), console));
                inspection.write(m, subject, Progress.forConsole(console.err(), 100));
            }
        }

        /**
         * Reads the command's keys from {@code h} (the {@code --set} values), rejects any other,
         * and returns what computes and writes the numbers in batches of {@code batch}.
         */
        abstract Inspection prepare(Hyperparameters h, int batch);

        /** The data the numbers are taken over: D_f with --forget, else all of D. */
        Dataset subject(Dataset train) throws Exception {
            if (forget == null) {
                return train;
            }
            ForgetSet set = UnlearningInputs.forget(forget, train);
            return train.subset(set.indices(), "forget set " + set.description());
        }

        private int batch(int fallback) {
            if (batchSize != null && batchSize <= 0) {
                throw usage("--batch-size must be > 0, got " + batchSize);
            }
            return batchSize != null ? batchSize : fallback;
        }
    }

    /** The histogram of log10 of every positive value of {@code tensors}, 40 bins over their range. */
    static Histogram log10Histogram(Map<String, Tensor> tensors) {
        int n = 0;
        for (Tensor t : tensors.values()) {
            n += (int) t.numel();
        }
        double[] logs = new double[n];
        int k = 0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Tensor t : tensors.values()) {
            for (double v : t.toDoubleArray()) {
                double l = v > 0 ? Math.log10(v) : Double.NaN;
                logs[k++] = l;
                if (v > 0) {
                    lo = Math.min(lo, l);
                    hi = Math.max(hi, l);
                }
            }
        }
        if (!(hi > lo)) {
            lo = Double.isFinite(lo) ? lo - 1 : -1;
            hi = lo + 2;
        }
        return Histogram.of("log10 value", logs, 40, Math.floor(lo), Math.ceil(hi));
    }

    /** What one inspect command computes over the data and writes to {@code --out}. */
    interface Inspection {
        /** Computes the numbers of {@code m} over {@code subject} and writes them, with a line saying so. */
        void write(TrainedModel m, Dataset subject, Progress progress) throws Exception;
    }

    /** {@code inspect fisher}: SSD's importance (UNLEARNING.md, ssd step 2, and its variants). */
    @Command(name = "fisher", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Write SSD's per-parameter importance (the squared batch gradient, averaged).")
    static final class Fisher extends Base {
        Fisher(Console console) {
            super(console, 64);
        }

        @Override
        Inspection prepare(Hyperparameters given, int batch) {
            Hyperparameters h = given.with("batch_size", batch);
            ImportanceEstimator estimator = ImportanceEstimator.from(h);
            h.requireAllUsed("inspect fisher");
            return (m, subject, progress) -> {
                Map<String, Tensor> importance = estimator.estimate(m.network(), subject, progress);
                SafeTensorsWriter writer = new SafeTensorsWriter().metadata("lethe.inspect", "fisher")
                        .metadata("lethe.inspect.samples", Integer.toString(subject.size()))
                        .metadata("lethe.inspect.settings", h.values().toString());
                importance.forEach((name, t) -> writer.add(name, t.to(DType.FLOAT32)));
                writer.write(out);
                if (plot != null) {
                    ReportCharts.writeHistograms(plot, "importance over " + subject.size() + " samples",
                            Map.of("importance", log10Histogram(importance)));
                }
                console.out().printf(Locale.ROOT, "wrote the importance of %d parameters over %,d samples of %s to "
                        + "%s%n", importance.size(), subject.size(), subject.source(), out);
            };
        }
    }

    /** {@code inspect saliency}: SalUn's saliency mask (UNLEARNING.md, salun steps 1–2). */
    @Command(name = "saliency", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Write SalUn's 0/1 weight-saliency masks (uint8) and their threshold.")
    static final class Saliency extends Base {
        Saliency(Console console) {
            super(console, 256);
        }

        @Override
        Inspection prepare(Hyperparameters h, int batch) {
            double ratio = h.fraction("ratio", 0.5);
            h.requireAllUsed("inspect saliency");
            return (m, subject, progress) -> {
                SaliencyMask mask = SaliencyMask.topK(SaliencyMap.compute(m.network(), subject, batch, progress),
                        ratio);
                SafeTensorsWriter writer = new SafeTensorsWriter().metadata("lethe.inspect", "saliency")
                        .metadata("lethe.inspect.samples", Integer.toString(subject.size()))
                        .metadata("lethe.inspect.ratio", Double.toString(ratio));
                mask.masks().forEach((name, t) -> writer.add(name, t.to(DType.INT32), SafeTensorsDType.U8));
                writer.add("threshold", Tensor.scalar(mask.threshold(), DType.FLOAT32)).write(out);
                if (plot != null) {
                    ReportCharts.writeDensity(plot, "saliency mask (ratio " + ratio + "): fraction of each tensor "
                            + "selected", mask.density());
                }
                console.out().printf(Locale.ROOT, "wrote the saliency masks of %d parameters (%,d of them selected, "
                        + "threshold %s) over %,d samples to %s%n", mask.masks().size(), mask.selected(),
                        mask.threshold(), subject.size(), out);
            };
        }
    }

    /** {@code inspect analytic}: the state of the model's analytic head (UNLEARNING.md, acu). */
    @Command(name = "analytic", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "Write the analytic head's buffer weight, W and R (float64).")
    static final class Analytic extends LetheCommand {
        @Mixin
        private ModelFileOptions model;

        @Option(names = "--data", paramLabel = "DATASET", converter = DatasetArgument.Converter.class,
                description = "Accepted for symmetry with the other inspect commands; the head needs no data.")
        private DatasetArgument data;

        @Option(names = "--out", required = true, paramLabel = "FILE.safetensors", description = "Where to write.")
        private Path out;

        Analytic(Console console) {
            super(console);
        }

        @Override
        protected void run() throws Exception {
            OutputFiles.requireDistinct(this, out, "--out", model.file(), "--model");
            try (MemoryScope scope = MemoryScope.open()) {
                TrainedModel m = UnlearningInputs.model(model, Device.CPU); // reads tensors only
                if (m.analytic() == null) {
                    throw new BadInputException(model.file() + " has no analytic head; attach one with 'lethe "
                            + "analytic fit'");
                }
                SafeTensorsWriter writer = new SafeTensorsWriter().metadata("lethe.inspect", "analytic")
                        .metadata(m.analytic().metadata());
                for (String name : new String[] {"analytic.buffer.weight", "analytic.W", "analytic.R"}) {
                    writer.add(name, m.analytic().tensors().get(name).to(DType.FLOAT64));
                }
                writer.write(out);
                console.out().printf(Locale.ROOT, "wrote the analytic head (buffer %d, gamma %s, %,d samples learned) "
                        + "to %s%n", m.analytic().bufferSize(), m.analytic().gamma(), m.analytic().count(), out);
            }
        }
    }
}
