package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lethe.autograd.NoGrad;
import dev.lethe.autograd.Variable;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.optim.Sgd;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.cpu.CpuThreads;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lethe bench}: a short speed report of whole-model work — one SGD training step
 * (forward, mean cross-entropy, backward, update) and one eval-mode forward — for the three
 * model families on random 1×28×28 inputs, in images per second. JMH stays the authority for
 * kernels; this is the number {@code tools/bench/compare} sets beside PyTorch's on the same
 * machine, with the same shapes, batch and thread count.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Short built-in speed report: training step and eval forward, images/s.")
final class BenchCommand extends LetheCommand {
    /** The configurations compared with PyTorch (MODELS.md defaults; ViT dim 192, depth 6). */
    static final Map<String, ModelSpec> MODELS = Map.of(
            "mlp", ModelSpec.of("mlp", Map.of("in_features", 784, "hidden", List.of(512, 256), "num_classes", 10)),
            "resnet18", ModelSpec.of("resnet18", Map.of("stem", "cifar", "in_channels", 1, "num_classes", 10)),
            "vit", ModelSpec.of("vit", Map.of("image_size", 28, "patch_size", 4, "in_channels", 1,
                    "embed_dim", 192, "depth", 6, "num_heads", 3, "mlp_ratio", 4.0, "num_classes", 10)));

    @Option(names = "--models", split = ",", defaultValue = "mlp,resnet18,vit",
            description = "Models to time (mlp, resnet18, vit). Default: ${DEFAULT-VALUE}.")
    private List<String> models;

    @Option(names = "--batch-size", defaultValue = "128", description = "Images per step. Default: ${DEFAULT-VALUE}.")
    private int batchSize;

    @Option(names = "--steps", defaultValue = "10", description = "Timed steps per measurement. Default: ${DEFAULT-VALUE}.")
    private int steps;

    @Option(names = "--warmup", defaultValue = "3",
            description = "Untimed steps first, and at least 3 s of them (JIT compilation, caches). Default: ${DEFAULT-VALUE}.")
    private int warmup;

    @Option(names = "--json", description = "Print one JSON document instead of the table.")
    private boolean json;

    BenchCommand(Console console) {
        super(console);
    }

    @Override
    protected void run() throws Exception {
        if (batchSize < 1 || steps < 1 || warmup < 0) {
            throw usage("--batch-size and --steps must be >= 1, --warmup >= 0");
        }
        List<Map<String, Object>> results = new ArrayList<>();
        for (String name : models) {
            ModelSpec spec = MODELS.get(name);
            if (spec == null) {
                throw usage("unknown model '" + name + "'; one of " + String.join(", ", MODELS.keySet()));
            }
            console.err().printf(Locale.ROOT, "timing %s (batch %d, %d threads)...%n", name, batchSize, CpuThreads.threads());
            double train = imagesPerSecond(spec, true);
            double eval = imagesPerSecond(spec, false);
            results.add(result("train-step/" + name, train));
            results.add(result("eval-forward/" + name, eval));
        }
        if (json) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            console.out().println(mapper.writeValueAsString(Map.of("results", results)));
            return;
        }
        console.out().printf(Locale.ROOT, "%-24s %12s%n", "benchmark", "images/s");
        for (Map<String, Object> r : results) {
            console.out().printf(Locale.ROOT, "%-24s %12.1f%n", r.get("name"), (Double) r.get("value"));
        }
    }

    private static Map<String, Object> result(String name, double value) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", name);
        r.put("unit", "images/s");
        r.put("value", value);
        r.put("baseline", null);
        r.put("baseline_value", null);
        r.put("ratio", null);
        return r;
    }

    /**
     * Median images/s over {@code steps} single-step timings, after at least {@code warmup}
     * untimed steps and at least {@link #WARMUP_NANOS} of them: the JIT compiles the kernels
     * during the first steps, and a small model's first dozens of steps say nothing about its speed.
     */
    private double imagesPerSecond(ModelSpec spec, boolean training) {
        Philox rng = new Philox(0);
        Module model = spec.build(rng);
        Sgd sgd = new Sgd(model.parameters(), 0.01, 0.9, false, 0.0);
        Tensor images = MemoryScope.detach(Tensor.randn(rng, DType.FLOAT32, batchSize, 1, 28, 28));
        Tensor labels = MemoryScope.detach(Tensor.randint(rng, 0, 10, batchSize));
        model.train(training);
        double[] seconds = new double[steps];
        long warmupEnd = System.nanoTime() + WARMUP_NANOS;
        try {
            int untimed = 0;
            while (untimed < warmup || System.nanoTime() < warmupEnd) {
                step(model, sgd, images, labels, training);
                untimed++;
            }
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                step(model, sgd, images, labels, training);
                seconds[i] = (System.nanoTime() - t0) * 1e-9;
            }
        } finally {
            sgd.close();
            images.close();
            labels.close();
        }
        java.util.Arrays.sort(seconds);
        return batchSize / seconds[steps / 2];
    }

    private static final long WARMUP_NANOS = 3_000_000_000L;

    /** One training step (forward, mean cross-entropy, backward, SGD update) or one eval forward. */
    private static void step(Module model, Sgd sgd, Tensor images, Tensor labels, boolean training) {
        try (MemoryScope scope = MemoryScope.open()) {
            if (training) {
                sgd.zeroGrad();
                Variable loss = model.forward(images).crossEntropy(labels, 0.0);
                loss.backward();
                sgd.step();
            } else {
                try (NoGrad g = NoGrad.enter()) {
                    model.forward(images);
                }
            }
        }
    }
}
