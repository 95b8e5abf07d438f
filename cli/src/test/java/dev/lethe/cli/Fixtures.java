package dev.lethe.cli;

import dev.lethe.data.Dataset;
import dev.lethe.data.DatasetFiles;
import dev.lethe.data.Normalization;
import dev.lethe.nn.Checkpoint;
import dev.lethe.nn.ModelSpec;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsDType;
import dev.lethe.tensor.io.SafeTensorsFile;
import dev.lethe.tensor.io.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/** Tiny datasets and models written with the io package, for the command tests. */
final class Fixtures {
    /** An MLP for 1×4×4 images and 3 classes. */
    static final ModelSpec MLP = ModelSpec.of("mlp", Map.of("in_features", 16, "hidden", List.of(8), "num_classes", 3));

    /** A ViT for 1×8×8 images (2×2 patches of 4×4), 3 classes. */
    static final ModelSpec VIT = ModelSpec.of("vit", Map.of("image_size", 8, "patch_size", 4, "in_channels", 1,
            "embed_dim", 8, "depth", 1, "num_heads", 2, "mlp_ratio", 2.0, "num_classes", 3));

    private Fixtures() {
    }

    /**
     * {@code n} 8-bit images of c×h×w with labels {@code i % classes}: noise plus a bright row
     * that depends on the class, so a small model can learn them.
     */
    static Path dataset(Path file, int n, int c, int h, int w, int classes) throws IOException {
        Random random = new Random(42);
        byte[] pixels = new byte[n * c * h * w];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            for (int k = 0; k < c * h * w; k++) {
                int row = k / w % h;
                int value = random.nextInt(60) + (row == labels[i] % h ? 180 : 0);
                pixels[i * c * h * w + k] = (byte) value;
            }
        }
        Dataset d = Dataset.ofBytes(file.toString(), pixels, labels, c, h, w, classes, Normalization.SCALE_ONLY);
        DatasetFiles.writeSafeTensors(d, file);
        return file;
    }

    /** A file with {@code images} U8 of {@code shape} (zeros) and {@code labels} I64 as given. */
    static Path rawDataset(Path file, int[] shape, long[] labels) throws IOException {
        try (MemoryScope scope = MemoryScope.open()) {
            new SafeTensorsWriter()
                    .add("images", Tensor.zeros(DType.INT32, shape), SafeTensorsDType.U8)
                    .add("labels", Tensor.of(labels, labels.length))
                    .write(file);
        }
        return file;
    }

    /** A freshly initialised model of {@code spec} (seed 1), written as a Lethe checkpoint. */
    static Path model(Path file, ModelSpec spec) throws IOException {
        try (MemoryScope scope = MemoryScope.open()) {
            Checkpoint.write(file, spec.build(new Philox(1)), spec, Map.of());
        }
        return file;
    }

    /** Rewrites {@code file} after {@code edit} changed its tensors and metadata (both maps are mutable). */
    static Path edit(Path file, Consumer<Map<String, Tensor>> tensors, Consumer<Map<String, String>> metadata)
            throws IOException {
        try (MemoryScope scope = MemoryScope.open()) {
            SafeTensorsFile content = SafeTensorsFile.read(file);
            Map<String, Tensor> t = new LinkedHashMap<>(content.tensors());
            Map<String, String> m = new LinkedHashMap<>(content.metadata());
            tensors.accept(t);
            metadata.accept(m);
            new SafeTensorsFile(t, m).write(file);
        }
        return file;
    }
}
