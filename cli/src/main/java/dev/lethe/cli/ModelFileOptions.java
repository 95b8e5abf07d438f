package dev.lethe.cli;

import dev.lethe.nn.Checkpoint;
import dev.lethe.nn.ModelSpec;
import dev.lethe.tensor.io.SafeTensorsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --model MODEL [--arch ARCH] [--set key=value ...]}: a checkpoint to read. A Lethe
 * checkpoint describes itself in its metadata ({@code --set} may then override config keys such
 * as {@code normalize}); a file without Lethe metadata (a plain PyTorch export) needs
 * {@code --arch} and the config keys that differ from the defaults (MODELS.md).
 */
final class ModelFileOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec mixee;

    @Option(names = "--model", required = true, paramLabel = "MODEL", description = "The model (safetensors).")
    private Path file;

    @Option(names = "--arch", paramLabel = "ARCH",
            description = "Architecture of a MODEL without Lethe metadata: mlp, resnet18 or vit.")
    private String arch;

    @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "Model config key (MODELS.md), e.g. --set num_classes=10, or (unlearn, inspect) a "
                    + "method's hyper-parameter (UNLEARNING.md), e.g. --set alpha=10; repeatable.")
    private Map<String, String> settings = new LinkedHashMap<>();

    /** The model file. */
    Path file() {
        return file;
    }

    /** Reads the model strictly (every tensor named, nothing loaded half-way), in training mode. */
    Checkpoint.Loaded load() throws IOException {
        return load(key -> true);
    }

    /**
     * {@link #load()} with only the {@code --set} keys {@code isModelKey} accepts applied to the
     * model; the others are a method's ({@link #otherSettings}).
     */
    Checkpoint.Loaded load(java.util.function.Predicate<String> isModelKey) throws IOException {
        Map<String, String> modelSettings = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (isModelKey.test(k)) {
                modelSettings.put(k, v);
            }
        });
        return load(modelSettings);
    }

    /** The {@code --set} pairs {@code isModelKey} rejects, in the order given. */
    Map<String, String> otherSettings(java.util.function.Predicate<String> isModelKey) {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (!isModelKey.test(k)) {
                out.put(k, v);
            }
        });
        return out;
    }

    private Checkpoint.Loaded load(Map<String, String> settings) throws IOException {
        if (arch != null && !ModelSpec.ARCHITECTURES.contains(arch)) {
            throw usage("unknown architecture '" + arch + "' for --arch; expected one of "
                    + String.join(", ", ModelSpec.ARCHITECTURES));
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString());
        }
        Map<String, String> metadata;
        try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
            metadata = reader.metadata();
        }
        boolean described = metadata.containsKey(Checkpoint.ARCH_KEY) || metadata.containsKey(Checkpoint.CONFIG_KEY);
        if (!described) {
            if (arch == null) {
                throw new BadInputException(file + " has no Lethe metadata (" + Checkpoint.ARCH_KEY + ", "
                        + Checkpoint.CONFIG_KEY + "); name its architecture with --arch mlp|resnet18|vit and its "
                        + "config with --set key=value (e.g. --set num_classes=10)");
            }
            return Checkpoint.read(file, withSettings(ModelSpec.of(arch), settings));
        }
        if (arch != null && !arch.equals(metadata.get(Checkpoint.ARCH_KEY))) {
            throw new BadInputException(file + " holds a " + metadata.get(Checkpoint.ARCH_KEY) + " model ("
                    + Checkpoint.ARCH_KEY + "), but --arch says " + arch);
        }
        return settings.isEmpty() ? Checkpoint.read(file)
                : Checkpoint.read(file, withSettings(Checkpoint.spec(file), settings));
    }

    private ModelSpec withSettings(ModelSpec spec, Map<String, String> settings) {
        ModelSpec s = spec;
        for (Map.Entry<String, String> e : settings.entrySet()) {
            try {
                s = s.with(e.getKey(), e.getValue());
            } catch (IllegalArgumentException ex) {
                throw usage("--set " + e.getKey() + "=" + e.getValue() + ": " + ex.getMessage());
            }
        }
        return s;
    }

    private ParameterException usage(String message) {
        return new ParameterException(mixee.commandLine(), message);
    }
}
