package dev.lethe.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Config parsing: defaults, canonical JSON, number forms, and errors that name the culprit. */
class ModelSpecTest {

    @Test
    void defaultsAndCanonicalJsonFollowModelsMd() {
        assertEquals("{\"in_features\":784,\"hidden\":[512,256],\"num_classes\":10}", ModelSpec.of("mlp").configJson());
        assertEquals("{\"stem\":\"cifar\",\"in_channels\":1,\"num_classes\":10}",
                ModelSpec.of("resnet18").configJson());
        assertEquals("{\"image_size\":28,\"patch_size\":4,\"in_channels\":1,\"embed_dim\":192,\"depth\":6,"
                + "\"num_heads\":3,\"mlp_ratio\":4.0,\"num_classes\":10}", ModelSpec.of("vit").configJson());
    }

    @Test
    void integersMayBeWrittenAsRealsOrStrings() {
        ModelSpec a = ModelSpec.fromJson("vit", "{\"patch_size\": 4, \"mlp_ratio\": 4}");
        ModelSpec b = ModelSpec.fromJson("vit", "{\"patch_size\": 4.0, \"mlp_ratio\": 4.0}");
        assertEquals(a, b);
        assertEquals(4, b.intValue("patch_size"));
        assertEquals(4.0, a.doubleValue("mlp_ratio"));
        assertEquals(List.of(64, 32), ModelSpec.of("mlp").with("hidden", "64,32").hidden());
        assertEquals(List.of(64, 32), ModelSpec.of("mlp").with("hidden", "[64, 32]").hidden());
        assertEquals(7, ModelSpec.of("mlp").with("num_classes", "7").numClasses());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelSpec.of("vit").with("patch_size", 4.5));
        assertTrue(e.getMessage().contains("'patch_size'") && e.getMessage().contains("4.5"), e.getMessage());
    }

    @Test
    void jsonRoundTripIsExact() {
        ModelSpec s = ModelSpec.of("resnet18", Map.of("stem", "imagenet", "in_channels", 3, "num_classes", 100,
                "normalize", Map.of("mean", List.of(0.5, 0.4, 0.3), "std", List.of(0.2, 0.2, 0.25)),
                "dropout", 0.1));
        ModelSpec back = ModelSpec.fromJson("resnet18", s.configJson());
        assertEquals(s, back);
        assertArrayEquals(new double[] {0.5, 0.4, 0.3}, back.normalize().orElseThrow().mean());
        assertEquals(0.1, back.dropout());
        assertTrue(s.configJson().endsWith(",\"normalize\":{\"mean\":[0.5,0.4,0.3],\"std\":[0.2,0.2,0.25]},"
                + "\"dropout\":0.1}"), s.configJson());
    }

    @Test
    void errorsNameWhatIsWrong() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.of("resnet50"));
        assertEquals("unknown architecture 'resnet50'; expected one of mlp, resnet18, vit", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.of("mlp", Map.of("hiden", List.of(3))));
        assertTrue(e.getMessage().contains("unknown config key 'hiden'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.of("resnet18", Map.of("stem", "tiny")));
        assertTrue(e.getMessage().contains("'tiny'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.fromJson("mlp", "{\"in_features\": 784,"));
        assertTrue(e.getMessage().startsWith("model config is not a valid JSON object"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.of("resnet18",
                Map.of("normalize", Map.of("mean", List.of(0.5, 0.5), "std", List.of(0.2, 0.2)))));
        assertTrue(e.getMessage().contains("in_channels is 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.of("mlp", Map.of("dropout", 1.0)));
        assertTrue(e.getMessage().contains("dropout"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.of("mlp", Map.of("num_classes", 0)));
        assertTrue(e.getMessage().contains("'num_classes'"), e.getMessage());
    }
}
