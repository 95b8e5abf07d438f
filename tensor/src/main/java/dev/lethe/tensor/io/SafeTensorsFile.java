package dev.lethe.tensor.io;

import dev.lethe.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole content of a safetensors file: its tensors in header order and its
 * {@code __metadata__} pairs.
 *
 * @param tensors  tensors by name, in the order the header lists them (read-only map)
 * @param metadata string pairs (read-only map; empty when the file has none)
 */
public record SafeTensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) implements AutoCloseable {

    /** Wraps the maps read-only, keeping their order. */
    public SafeTensorsFile {
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Reads every tensor of {@code file}; see {@link SafeTensorsReader} for the checks. */
    public static SafeTensorsFile read(Path file) throws IOException {
        try (SafeTensorsReader reader = SafeTensorsReader.open(file)) {
            return reader.readAll();
        }
    }

    /** Writes the tensors and metadata to {@code file}, atomically; see {@link SafeTensorsWriter}. */
    public void write(Path file) throws IOException {
        new SafeTensorsWriter().addAll(tensors).metadata(metadata).write(file);
    }

    /** The tensor called {@code name}; an IllegalArgumentException listing the names when absent. */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no tensor \"" + name + "\"; the file holds " + tensors.keySet());
        }
        return t;
    }

    /** Frees every tensor now (they are also freed by the scope they were read in, if any). */
    @Override
    public void close() {
        tensors.values().forEach(Tensor::close);
    }
}
