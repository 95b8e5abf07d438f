package dev.lethe.nn;

import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsFile;
import dev.lethe.tensor.io.SafeTensorsReader;
import dev.lethe.tensor.io.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Model checkpoints as safetensors files (MODELS.md): every parameter and buffer under its
 * PyTorch name, and {@code __metadata__} with {@code lethe.format} = {@code 1},
 * {@code lethe.arch} and {@code lethe.config} (the {@link ModelSpec} as JSON), plus any extra
 * string pairs. Methods that keep more state (e.g. an analytic head) add tensors under their own
 * prefix; those travel along as {@linkplain Loaded#extras() extras}.
 *
 * <p>Writing replaces the file atomically. Reading loads the model strictly: a missing,
 * unexpected or mis-shaped model tensor is named and nothing is loaded. A tensor belongs to the
 * model when the first component of its name is one of the model's top-level names
 * ({@code fc1}, {@code layer3}, {@code cls_token}, ...); every other tensor is an extra.
 */
public final class Checkpoint {
    /** Metadata key of the format version. */
    public static final String FORMAT_KEY = "lethe.format";
    /** Metadata key of the architecture name. */
    public static final String ARCH_KEY = "lethe.arch";
    /** Metadata key of the config JSON. */
    public static final String CONFIG_KEY = "lethe.config";
    /** The format version this code writes and reads. */
    public static final String FORMAT = "1";

    private Checkpoint() {
    }

    /**
     * A checkpoint read back.
     *
     * @param model    the model, in training mode, holding the file's weights
     * @param spec     its architecture and config
     * @param metadata every {@code __metadata__} pair of the file
     * @param extras   tensors that are not part of the model, by name in file order (they belong
     *                 to the caller's memory scope)
     */
    public record Loaded(Module model, ModelSpec spec, Map<String, String> metadata, Map<String, Tensor> extras) {
        /** Wraps the maps read-only. */
        public Loaded {
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
            extras = Collections.unmodifiableMap(new LinkedHashMap<>(extras));
        }
    }

    /** Writes {@code model} with its spec and extra metadata; see {@link #write(Path, Module, ModelSpec, Map, Map)}. */
    public static void write(Path file, Module model, ModelSpec spec, Map<String, String> extraMetadata)
            throws IOException {
        write(file, model, spec, extraMetadata, Map.of());
    }

    /**
     * Writes the model's state dict, then {@code extraTensors}, with the Lethe metadata and
     * {@code extraMetadata} (which may not redefine the {@code lethe.format/arch/config} keys),
     * replacing {@code file} atomically.
     */
    public static void write(Path file, Module model, ModelSpec spec, Map<String, String> extraMetadata,
                             Map<String, Tensor> extraTensors) throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter()
                .metadata(FORMAT_KEY, FORMAT)
                .metadata(ARCH_KEY, spec.arch())
                .metadata(CONFIG_KEY, spec.configJson());
        for (Map.Entry<String, String> e : extraMetadata.entrySet()) {
            if (e.getKey().equals(FORMAT_KEY) || e.getKey().equals(ARCH_KEY) || e.getKey().equals(CONFIG_KEY)) {
                throw new IllegalArgumentException("extra metadata may not set " + e.getKey()
                        + "; it is written from the model spec");
            }
            w.metadata(e.getKey(), e.getValue());
        }
        Map<String, Tensor> state = model.stateDict();
        w.addAll(state);
        Set<String> top = topLevelNames(model);
        for (Map.Entry<String, Tensor> e : extraTensors.entrySet()) {
            if (top.contains(firstComponent(e.getKey()))) {
                throw new IllegalArgumentException("extra tensor '" + e.getKey()
                        + "' would be read back as part of the model; use a prefix of its own");
            }
            w.add(e.getKey(), e.getValue());
        }
        w.write(file);
    }

    /**
     * The spec a checkpoint's metadata describes, without reading any tensor; an error saying
     * what is wrong when the metadata is absent, of another format or not valid JSON.
     */
    public static ModelSpec spec(Path file) throws IOException {
        try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
            return specOf(file, reader.metadata());
        }
    }

    /** Reads a Lethe checkpoint: the model its metadata describes, with its weights loaded strictly. */
    public static Loaded read(Path file) throws IOException {
        return read(file, null);
    }

    /**
     * Reads a checkpoint as {@code spec} describes it (e.g. a plain PyTorch export without Lethe
     * metadata); with a null spec, the file's own metadata decides.
     */
    public static Loaded read(Path file, ModelSpec spec) throws IOException {
        try (MemoryScope scope = MemoryScope.open()) {
            SafeTensorsFile content = SafeTensorsFile.read(file);
            ModelSpec s = spec != null ? spec : specOf(file, content.metadata());
            Module model = s.build(new Philox(0));
            Set<String> top = topLevelNames(model);
            Map<String, Tensor> weights = new LinkedHashMap<>();
            Map<String, Tensor> extras = new LinkedHashMap<>();
            content.tensors().forEach((name, t) ->
                    (top.contains(firstComponent(name)) ? weights : extras).put(name, t));
            try {
                model.loadStateDict(weights, true);
            } catch (StateDictMismatchException e) {
                throw new StateDictMismatchException(model.typeName() + " (" + s.arch() + ") from " + file,
                        e.missing(), e.unexpected(), e.mismatched());
            }
            extras.values().forEach(scope::keep);
            return new Loaded(model, s, content.metadata(), extras);
        }
    }

    private static ModelSpec specOf(Path file, Map<String, String> metadata) {
        String arch = metadata.get(ARCH_KEY);
        String config = metadata.get(CONFIG_KEY);
        if (arch == null || config == null) {
            throw new IllegalArgumentException(file + " has no Lethe metadata (" + ARCH_KEY + ", " + CONFIG_KEY
                    + "); for a plain PyTorch export, name the architecture and its config");
        }
        String format = metadata.get(FORMAT_KEY);
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException(file + " has " + FORMAT_KEY + " = " + format
                    + "; this version reads format " + FORMAT);
        }
        try {
            return ModelSpec.fromJson(arch, config);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": metadata " + CONFIG_KEY + " / " + ARCH_KEY + ": "
                    + e.getMessage(), e);
        }
    }

    private static Set<String> topLevelNames(Module model) {
        Set<String> top = new HashSet<>();
        for (String name : model.stateDict().keySet()) {
            top.add(firstComponent(name));
        }
        return top;
    }

    private static String firstComponent(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }
}
