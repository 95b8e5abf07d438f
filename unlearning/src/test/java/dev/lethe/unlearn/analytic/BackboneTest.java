package dev.lethe.unlearn.analytic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lethe.autograd.NoGrad;
import dev.lethe.nn.Linear;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The backbone gives exactly the features the network's classifier sees: the network's own
 * classifier applied to them reproduces the network's logits bit for bit, for every architecture
 * (in evaluation mode, so BatchNorm uses its running statistics and dropout is off).
 */
@SuppressWarnings("try") // MemoryScope blocks free what they allocate without naming the scope
class BackboneTest {
    private static ModelSpec small(String arch) {
        return switch (arch) {
            case "mlp" -> ModelSpec.of("mlp", Map.of("hidden", List.of(64, 32), "dropout", 0.3));
            // The imagenet stem quarters the resolution first: the same network, a sixteenth of the work.
            case "resnet18" -> ModelSpec.of("resnet18", Map.of("stem", "imagenet", "num_classes", 7));
            case "vit" -> ModelSpec.of("vit", Map.of("embed_dim", 24, "depth", 2, "num_heads", 2, "dropout", 0.2));
            default -> throw new IllegalArgumentException(arch);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "resnet18", "vit"})
    void theClassifierOfTheFeaturesGivesTheNetworksLogitsBitForBit(String arch) {
        ModelSpec spec = small(arch);
        Module network = spec.build(new Philox(3));
        try (MemoryScope scope = MemoryScope.open(); NoGrad g = NoGrad.enter()) {
            if (arch.equals("resnet18")) {
                // Non-trivial running statistics, so evaluation mode is visible in the result.
                network.train();
                network.forward(Tensor.randn(new Philox(9), DType.FLOAT32, 8, 1, 28, 28));
            }
            network.eval();
            Tensor x = Tensor.randn(new Philox(4), DType.FLOAT32, 3, 1, 28, 28);
            Tensor logits = network.forward(x).value();
            Linear classifier = Backbone.classifier(network, spec);
            try (Backbone backbone = Backbone.of(network, spec)) {
                assertEquals(classifier.inFeatures(), backbone.features());
                Tensor phi = backbone.features(x);
                assertEquals(DType.FLOAT64, phi.dtype());
                assertArrayEquals(new int[] {3, backbone.features()}, phi.shape());
                Tensor again = classifier.forward(phi.to(DType.FLOAT32)).value();
                assertArrayEquals(logits.toFloatArray(), again.toFloatArray());
            }
            // The network itself is left as it was.
            assertArrayEquals(logits.toFloatArray(), network.forward(x).value().toFloatArray());
        }
    }

    @Test
    void theMlpFeaturesAreItsLastHiddenActivations() {
        ModelSpec spec = ModelSpec.of("mlp", Map.of("in_features", 16, "hidden", List.of(8, 5), "num_classes", 3));
        Module network = spec.build(new Philox(5));
        network.train(); // the backbone runs in evaluation mode whatever the network's mode
        try (MemoryScope scope = MemoryScope.open(); Backbone backbone = Backbone.of(network, spec)) {
            Tensor x = Tensor.randn(new Philox(6), DType.FLOAT32, 4, 1, 4, 4);
            Map<String, Tensor> w = network.stateDict();
            Tensor h = x.reshape(4, 16).matmul(w.get("fc1.weight").t()).add(w.get("fc1.bias")).relu();
            Tensor want = h.matmul(w.get("fc2.weight").t()).add(w.get("fc2.bias")).relu();
            assertArrayEquals(want.to(DType.FLOAT64).toDoubleArray(), backbone.features(x).toDoubleArray());
            assertTrue(network.isTraining());
        }
    }

    @Test
    void namesTheClassifierAndRejectsANetworkWithoutOne() {
        assertEquals("fc", Backbone.classifierName(ModelSpec.of("resnet18")));
        assertEquals("head", Backbone.classifierName(ModelSpec.of("vit")));
        assertEquals("head", Backbone.classifierName(ModelSpec.of("mlp")));
        Module mlp = ModelSpec.of("mlp").build(new Philox(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Backbone.of(mlp, ModelSpec.of("resnet18")));
        assertTrue(e.getMessage().contains("'fc'"), e.getMessage());
    }
}
