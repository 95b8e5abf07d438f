package dev.lethe.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * State-dict names, shapes, dtypes and order, and parameter counts, against PyTorch's
 * (reference/model_shapes.json, exported by tools/reference/make_model_references.py from
 * torchvision's {@code resnet18()}, its CIFAR-stem variant and the timm-style ViT).
 */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class PyTorchLayoutTest {
    private static JsonNode shapes() throws IOException {
        return new ObjectMapper().readTree(Reference.path("model_shapes.json").toFile());
    }

    /** "name [d0, d1] dtype" per entry, PyTorch's order. */
    private static List<String> expected(JsonNode model) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : model.get("state_dict")) {
            int[] shape = new int[e.get(1).size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = e.get(1).get(i).asInt();
            }
            out.add(e.get(0).asText() + " " + Shape.str(shape) + " " + e.get(2).asText());
        }
        return out;
    }

    private static List<String> actual(Module m) {
        List<String> out = new ArrayList<>();
        m.stateDict().forEach((name, t) -> out.add(name + " " + Shape.str(t.shape()) + " "
                + (t.dtype() == DType.INT64 ? "int64" : "float32")));
        return out;
    }

    @Test
    void resnet18ImagenetStemHasTorchvisionStateDict() throws IOException {
        JsonNode ref = shapes().get("torchvision_resnet18");
        try (MemoryScope scope = MemoryScope.open()) {
            Module m = ModelSpec.of("resnet18", Map.of("stem", "imagenet", "in_channels", 3, "num_classes", 1000))
                    .build(new Philox(0));
            assertEquals(expected(ref), actual(m));
            assertEquals(11_689_512L, m.parameterCount());
            assertEquals(ref.get("parameter_count").asLong(), m.parameterCount());
        }
    }

    @Test
    void resnet18CifarStemHasTorchStateDict() throws IOException {
        JsonNode ref = shapes().get("resnet18_cifar_1ch_10");
        try (MemoryScope scope = MemoryScope.open()) {
            Module m = ModelSpec.of("resnet18").build(new Philox(0));
            assertEquals(expected(ref), actual(m));
            assertEquals(ref.get("parameter_count").asLong(), m.parameterCount());
        }
    }

    @Test
    void vitDefaultConfigHasTimmStateDict() throws IOException {
        JsonNode ref = shapes().get("vit_default");
        Map<String, Object> config = new ObjectMapper().convertValue(ref.get("config"),
                new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() { });
        try (MemoryScope scope = MemoryScope.open()) {
            Module m = ModelSpec.of("vit", config).build(new Philox(0));
            assertEquals(expected(ref), actual(m));
            assertEquals(ref.get("parameter_count").asLong(), m.parameterCount());
        }
    }

    /** A state dict made only from the exported names and shapes (as torchvision would save it) loads strictly. */
    @Test
    void syntheticTorchvisionStateDictLoads() throws IOException {
        JsonNode ref = shapes().get("torchvision_resnet18");
        try (MemoryScope scope = MemoryScope.open()) {
            Map<String, Tensor> state = new LinkedHashMap<>();
            int k = 0;
            for (JsonNode e : ref.get("state_dict")) {
                int[] shape = new int[e.get(1).size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = e.get(1).get(i).asInt();
                }
                DType dtype = e.get(2).asText().equals("int64") ? DType.INT64 : DType.FLOAT32;
                state.put(e.get(0).asText(), Tensor.full(k++ % 7, dtype, shape));
            }
            Module m = ModelSpec.of("resnet18", Map.of("stem", "imagenet", "in_channels", 3, "num_classes", 1000))
                    .build(new Philox(0));
            m.loadStateDict(state);
            k = 0;
            for (Map.Entry<String, Tensor> e : m.stateDict().entrySet()) {
                Tensor t = e.getValue();
                double want = k++ % 7;
                assertEquals(want, t.numel() == 0 ? want : t.reshape(-1).get(0), e.getKey());
                assertEquals(want, t.numel() == 0 ? want : t.reshape(-1).get(t.numel() - 1), e.getKey());
            }
        }
    }
}
