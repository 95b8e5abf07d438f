package dev.lethe.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.io.SafeTensorsFile;
import dev.lethe.tensor.io.SafeTensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Safetensors checkpoints: round trip, metadata, extras, plain exports and the errors for bad files. */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class CheckpointTest {
    @TempDir
    Path dir;

    @Test
    void roundTripKeepsWeightsSpecMetadataAndExtras() throws IOException {
        try (MemoryScope scope = MemoryScope.open()) {
            ModelSpec spec = ModelSpec.of("resnet18", Map.of("num_classes", 5,
                    "normalize", Map.of("mean", List.of(0.286), "std", List.of(0.353))));
            Module model = spec.build(new Philox(11));
            model.train();
            model.forward(Tensor.randn(new Philox(1), DType.FLOAT32, 2, 1, 8, 8)); // running stats move
            Path file = dir.resolve("m.safetensors");
            Tensor analytic = Tensor.randn(new Philox(2), DType.FLOAT64, 3, 3);
            Checkpoint.write(file, model, spec, Map.of("lethe.method", "acu"), Map.of("analytic.R", analytic));

            Checkpoint.Loaded loaded = Checkpoint.read(file);
            assertEquals(spec, loaded.spec());
            assertEquals("1", loaded.metadata().get("lethe.format"));
            assertEquals("resnet18", loaded.metadata().get("lethe.arch"));
            assertEquals(spec.configJson(), loaded.metadata().get("lethe.config"));
            assertEquals("acu", loaded.metadata().get("lethe.method"));
            Map<String, Tensor> a = model.stateDict();
            Map<String, Tensor> b = loaded.model().stateDict();
            assertEquals(List.copyOf(a.keySet()), List.copyOf(b.keySet()));
            for (String k : a.keySet()) {
                assertArrayEquals(a.get(k).toDoubleArray(), b.get(k).toDoubleArray(), k);
                assertEquals(a.get(k).dtype(), b.get(k).dtype(), k);
            }
            assertEquals(List.of("analytic.R"), List.copyOf(loaded.extras().keySet()));
            assertArrayEquals(analytic.toDoubleArray(), loaded.extras().get("analytic.R").toDoubleArray());
            assertEquals(DType.FLOAT64, loaded.extras().get("analytic.R").dtype());
        }
    }

    @Test
    void plainExportLoadsWhenTheArchitectureIsNamed() throws IOException {
        try (MemoryScope scope = MemoryScope.open()) {
            ModelSpec spec = ModelSpec.of("mlp", Map.of("in_features", 12, "hidden", List.of(6), "num_classes", 3));
            Module model = spec.build(new Philox(3));
            // a PyTorch-style export: no metadata, float64, tensors in reverse order
            Map<String, Tensor> reversed = new LinkedHashMap<>();
            List<String> names = List.copyOf(model.stateDict().keySet());
            for (int i = names.size() - 1; i >= 0; i--) {
                reversed.put(names.get(i), model.stateDict().get(names.get(i)).to(DType.FLOAT64));
            }
            Path file = dir.resolve("export.safetensors");
            SafeTensorsWriter.write(file, reversed, Map.of());

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(file));
            assertTrue(e.getMessage().contains("has no Lethe metadata"), e.getMessage());

            Checkpoint.Loaded loaded = Checkpoint.read(file, spec);
            assertArrayEquals(model.stateDict().get("head.weight").toFloatArray(),
                    loaded.model().stateDict().get("head.weight").toFloatArray());
            assertEquals(DType.FLOAT32, loaded.model().stateDict().get("head.weight").dtype());
        }
    }

    @Test
    void badMetadataAndMismatchedTensorsAreNamed() throws IOException {
        try (MemoryScope scope = MemoryScope.open()) {
            ModelSpec spec = ModelSpec.of("mlp", Map.of("in_features", 4, "hidden", List.of(3), "num_classes", 2));
            Module model = spec.build(new Philox(3));
            Map<String, Tensor> state = model.stateDict();

            Path badJson = dir.resolve("bad-json.safetensors");
            SafeTensorsWriter.write(badJson, state, Map.of("lethe.format", "1", "lethe.arch", "mlp",
                    "lethe.config", "{\"in_features\": 4,"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(badJson));
            assertTrue(e.getMessage().contains("lethe.config") && e.getMessage().contains("not a valid JSON"),
                    e.getMessage());

            Path future = dir.resolve("future.safetensors");
            SafeTensorsWriter.write(future, state, Map.of("lethe.format", "2", "lethe.arch", "mlp",
                    "lethe.config", spec.configJson()));
            e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(future));
            assertTrue(e.getMessage().contains("lethe.format = 2"), e.getMessage());

            Path unknown = dir.resolve("unknown.safetensors");
            SafeTensorsWriter.write(unknown, state, Map.of("lethe.format", "1", "lethe.arch", "lstm",
                    "lethe.config", "{}"));
            e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.read(unknown));
            assertTrue(e.getMessage().contains("unknown architecture 'lstm'"), e.getMessage());

            Map<String, Tensor> broken = new LinkedHashMap<>(state);
            broken.remove("fc1.bias");
            broken.put("head.weight", Tensor.zeros(DType.FLOAT32, 2, 4));
            broken.put("fc9.weight", Tensor.zeros(DType.FLOAT32, 1));
            Path mismatched = dir.resolve("mismatched.safetensors");
            SafeTensorsWriter.write(mismatched, broken, Map.of());
            StateDictMismatchException m = assertThrows(StateDictMismatchException.class,
                    () -> Checkpoint.read(mismatched, spec));
            assertTrue(m.getMessage().contains("mismatched.safetensors"), m.getMessage());
            assertTrue(m.getMessage().contains("missing fc1.bias"), m.getMessage());
            assertTrue(m.getMessage().contains("head.weight has shape [2, 4], the model expects [2, 3]"),
                    m.getMessage());
            // fc9.* is not a model name, so it travels as an extra rather than failing the load
            assertFalse(m.getMessage().contains("fc9"), m.getMessage());
        }
    }

    @Test
    void extrasMayNotShadowModelNamesOrMetadataKeys() {
        try (MemoryScope scope = MemoryScope.open()) {
            ModelSpec spec = ModelSpec.of("mlp", Map.of("in_features", 4, "hidden", List.of(3), "num_classes", 2));
            Module model = spec.build(new Philox(3));
            Path file = dir.resolve("x.safetensors");
            assertThrows(IllegalArgumentException.class, () -> Checkpoint.write(file, model, spec, Map.of(),
                    Map.of("head.extra", Tensor.zeros(DType.FLOAT32, 1))));
            assertThrows(IllegalArgumentException.class, () -> Checkpoint.write(file, model, spec,
                    Map.of("lethe.arch", "vit")));
            assertFalse(Files.exists(file));
        }
    }

    @Test
    void float16ExportsLoadIntoFloat32() throws IOException {
        // A hand-made F16 file: 1.0 = 0x3C00, -2.0 = 0xC000, 0.5 = 0x3800.
        Path file = dir.resolve("half.safetensors");
        String header = "{\"weight\":{\"dtype\":\"F16\",\"shape\":[1,2],\"data_offsets\":[0,4]},"
                + "\"bias\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[4,6]}}";
        byte[] h = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 + h.length + 6)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h).putShort((short) 0x3C00).putShort((short) 0xC000).putShort((short) 0x3800);
        Files.write(file, buf.array());
        try (MemoryScope scope = MemoryScope.open()) {
            Linear layer = new Linear(2, 1, true, new Philox(1));
            layer.loadStateDict(SafeTensorsFile.read(file).tensors());
            assertArrayEquals(new float[] {1.0f, -2.0f}, layer.weight().value().toFloatArray());
            assertArrayEquals(new float[] {0.5f}, layer.bias().value().toFloatArray());
        }
    }
}
