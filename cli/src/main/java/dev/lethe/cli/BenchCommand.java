package dev.lethe.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lethe.autograd.NoGrad;
import dev.lethe.autograd.Variable;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.optim.Sgd;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe bench}: a short speed report of whole-model work — one SGD training step
 * (forward, mean cross-entropy, backward, update) and one eval-mode forward — for the three
 * model families on random inputs (1×28×28 unless {@code --image} says otherwise), in images per
 * second, on the CPU or a GPU ({@code --device}). JMH stays the authority for kernels; this is
 * the number {@code tools/bench/compare} (CPU) and {@code tools/bench/gpu-compare} (CUDA) set
 * beside PyTorch's on the same machine, with the same shapes, batch and thread count. Each timed
 * step ends when the device has finished its work ({@link dev.lethe.tensor.Backend#synchronize}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Short built-in speed report: training step and eval forward, images/s.")
final class BenchCommand extends LetheCommand {
    /** The model names, in the order the report lists them. */
    static final List<String> MODEL_NAMES = List.of("mlp", "resnet18", "vit");

    /**
     * The configurations compared with PyTorch for images of {@code channels}×{@code size}×{@code size}
     * (MODELS.md defaults; ViT patch 4, dim 192, depth 6); null for an unknown name.
     */
    static ModelSpec spec(String name, int channels, int size) {
        return switch (name) {
            case "mlp" -> ModelSpec.of("mlp", Map.of("in_features", channels * size * size, "hidden", List.of(512, 256),
                    "num_classes", 10));
            case "resnet18" -> ModelSpec.of("resnet18", Map.of("stem", "cifar", "in_channels", channels,
                    "num_classes", 10));
            case "vit" -> ModelSpec.of("vit", Map.of("image_size", size, "patch_size", 4, "in_channels", channels,
                    "embed_dim", 192, "depth", 6, "num_heads", 3, "mlp_ratio", 4.0, "num_classes", 10));
            default -> null;
        };
    }

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

    @Option(names = "--image", defaultValue = "1x28x28", paramLabel = "CxHxW",
            description = "Input images, channels x height x width (square, a multiple of 4). Default: ${DEFAULT-VALUE}.")
    private String image;

    @Option(names = "--json", description = "Print one JSON document instead of the table.")
    private boolean json;

    @Mixin
    private DeviceOption device;

    BenchCommand(Console console) {
        super(console);
    }

    @Override
    protected void run() throws Exception {
        if (batchSize < 1 || steps < 1 || warmup < 0) {
            throw usage("--batch-size and --steps must be >= 1, --warmup >= 0");
        }
        int[] chw = imageShape();
        Device where = device.device();
        List<Map<String, Object>> results = new ArrayList<>();
        for (String name : models) {
            ModelSpec spec = spec(name, chw[0], chw[1]);
            if (spec == null) {
                throw usage("unknown model '" + name + "'; one of " + String.join(", ", MODEL_NAMES));
            }
            console.err().printf(Locale.ROOT, "timing %s (batch %d, %s, %s)...%n", name, batchSize, image,
                    where.equals(Device.CPU) ? CpuThreads.threads() + " threads" : where);
            double train = imagesPerSecond(spec, chw, where, true);
            double eval = imagesPerSecond(spec, chw, where, false);
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
    private double imagesPerSecond(ModelSpec spec, int[] chw, Device where, boolean training) {
        Philox rng = new Philox(0);
        Module model = spec.build(rng).to(where);
        Sgd sgd = new Sgd(model.parameters(), 0.01, 0.9, false, 0.0);
        Tensor images = MemoryScope.detach(Tensor.randn(rng, DType.FLOAT32, batchSize, chw[0], chw[1], chw[1]).to(where));
        Tensor labels = MemoryScope.detach(Tensor.randint(rng, 0, 10, batchSize).to(where));
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
            model.to(Device.CPU); // frees the device copy before the next model
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
            images.backend().synchronize();
        }
    }

    /** {@code --image} as {channels, size}; a usage error unless C×S×S with S a multiple of 4 (the ViT's patch). */
    private int[] imageShape() {
        String[] parts = image.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 3) {
                int c = Integer.parseInt(parts[0]);
                int h = Integer.parseInt(parts[1]);
                int w = Integer.parseInt(parts[2]);
                if (c >= 1 && h >= 4 && h == w && h % 4 == 0) {
                    return new int[] {c, h};
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw usage("--image must be CxHxW with H = W a multiple of 4, e.g. 3x32x32; got '" + image + "'");
    }
}
