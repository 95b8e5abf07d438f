package dev.lethe.nn;

import static dev.lethe.nn.Reference.FORWARD_TOLERANCE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lethe.autograd.NoGrad;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Lethe checkpoints load in PyTorch and compute the same logits there.
 *
 * <p>The committed files reference/lethe_checkpoint_{mlp,vit}.safetensors were written by this
 * test ({@code -Dlethe.writeReference=true} writes them into src/test/resources/reference/);
 * tools/reference/make_model_references.py loads each into its PyTorch model strictly, by the
 * file's own {@code lethe.arch}/{@code lethe.config} metadata, checks that the tensors come in
 * PyTorch's state-dict order, and stores the float64 eval logits of an input it draws
 * (checkpoint_logits.safetensors). Here Lethe reads the same files and must match those logits;
 * and today's Lethe, with the same seed, must still write the same weights and metadata.
 */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class CheckpointInteropTest {
    private static final Map<String, ModelSpec> SPECS = Map.of(
            "mlp", ModelSpec.of("mlp", Map.of("in_features", 784, "hidden", List.of(32, 16), "num_classes", 10,
                    "normalize", Map.of("mean", List.of(0.286), "std", List.of(0.353)))),
            "vit", ModelSpec.of("vit", Map.of("image_size", 28, "patch_size", 7, "in_channels", 1, "embed_dim", 32,
                    "depth", 1, "num_heads", 2, "mlp_ratio", 2.5, "num_classes", 10)));
    private static final Map<String, Long> SEEDS = Map.of("mlp", 7L, "vit", 8L);

    private static Module fresh(String arch) {
        return SPECS.get(arch).build(new Philox(SEEDS.get(arch)));
    }

    @Test
    void writeReferenceCheckpointsWhenAsked() throws IOException {
        if (!Boolean.getBoolean("lethe.writeReference")) {
            return;
        }
        Path out = Path.of("src/test/resources/reference");
        Files.createDirectories(out);
        try (MemoryScope scope = MemoryScope.open()) {
            for (String arch : List.of("mlp", "vit")) {
                Checkpoint.write(out.resolve("lethe_checkpoint_" + arch + ".safetensors"), fresh(arch),
                        SPECS.get(arch), Map.of("lethe.note", "reference checkpoint for PyTorch interop"));
            }
        }
    }

    @Test
    void committedCheckpointsAreWhatLetheWritesToday() throws IOException {
        for (String arch : List.of("mlp", "vit")) {
            try (MemoryScope scope = MemoryScope.open()) {
                Checkpoint.Loaded loaded = Checkpoint.read(Reference.path("lethe_checkpoint_" + arch + ".safetensors"));
                assertEquals(SPECS.get(arch), loaded.spec());
                assertEquals(SPECS.get(arch).configJson(), loaded.metadata().get("lethe.config"));
                Map<String, Tensor> now = fresh(arch).stateDict();
                Map<String, Tensor> then = loaded.model().stateDict();
                assertEquals(List.copyOf(now.keySet()), List.copyOf(then.keySet()));
                for (String k : now.keySet()) {
                    assertArrayEquals(now.get(k).toDoubleArray(), then.get(k).toDoubleArray(), arch + " " + k);
                }
            }
        }
    }

    @Test
    void pyTorchComputesTheSameLogitsFromLetheCheckpoints() throws IOException {
        try (MemoryScope scope = MemoryScope.open(); NoGrad g = NoGrad.enter()) {
            SafeTensorsFile ref = Reference.load("checkpoint_logits.safetensors");
            for (String arch : List.of("mlp", "vit")) {
                Module model = Checkpoint.read(Reference.path("lethe_checkpoint_" + arch + ".safetensors")).model();
                model.eval();
                Tensor logits = model.forward(ref.tensor(arch + "/x")).value();
                double err = Reference.assertClose(logits, ref.tensor(arch + "/logits"), FORWARD_TOLERANCE,
                        arch + " logits from a Lethe checkpoint in PyTorch");
                System.out.printf(java.util.Locale.ROOT, "%s checkpoint: PyTorch logits vs Lethe %.2e%n", arch, err);
            }
        }
    }
}
