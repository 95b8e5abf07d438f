package dev.lethe.unlearn.analytic;

import dev.lethe.autograd.NoGrad;
import dev.lethe.nn.Linear;
import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Device;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The frozen backbone φ of ACU: a network up to, not including, its final classifier ({@code head}
 * for {@code mlp} and {@code vit}, {@code fc} for {@code resnet18}), run in evaluation mode without
 * gradients; its float32 features are promoted to float64 (UNLEARNING.md, ACU conventions).
 *
 * <p>How the features are taken without changing the models: a twin of the network is built
 * whose classifier is the identity map of the feature width (the same architecture with
 * {@code num_classes} = feature width), holding the network's weights and buffers and weight I,
 * bias 0 in the classifier. Its output is φ(x) bit for bit, since every product with I in the
 * GEMM is x·1 or x·0 and adding zeros (and the zero bias) changes no finite value. So the
 * architectures' own forward passes stay the only definition of φ.
 *
 * <p>The twin is a snapshot: it holds a copy of the network's weights as they were when the
 * backbone was made (the backbone is frozen by definition). {@link #close()} frees that copy.
 */
public final class Backbone implements AutoCloseable {
    private final Module twin;
    private final int features;

    private Backbone(Module twin, int features) {
        this.twin = twin;
        this.features = features;
    }

    /** The backbone of {@code network}, whose architecture and config {@code spec} describes. */
    public static Backbone of(Module network, ModelSpec spec) {
        String name = classifierName(spec);
        Linear classifier = classifier(network, spec);
        int width = classifier.inFeatures();
        Module twin = spec.with("num_classes", width).build(new Philox(0));
        try (MemoryScope scope = MemoryScope.open()) {
            Map<String, Tensor> state = new LinkedHashMap<>(network.stateDict());
            state.put(name + ".weight", Tensor.eye(width, DType.FLOAT32));
            if (classifier.bias() != null) {
                state.put(name + ".bias", Tensor.zeros(DType.FLOAT32, width));
            }
            twin.loadStateDict(state);
        }
        twin.to(network.device());
        twin.eval();
        return new Backbone(twin, width);
    }

    /** The name of the final classifier of {@code spec}'s architecture: {@code fc} for ResNet-18, else {@code head}. */
    public static String classifierName(ModelSpec spec) {
        return spec.arch().equals("resnet18") ? "fc" : "head";
    }

    /** The final classifier of {@code network}: a Linear layer named as {@link #classifierName} says. */
    public static Linear classifier(Module network, ModelSpec spec) {
        String name = classifierName(spec);
        if (!network.namedChildren().containsKey(name) || !(network.child(name) instanceof Linear linear)) {
            throw new IllegalArgumentException("a " + spec.arch() + " network has a final Linear classifier '" + name
                    + "', but " + network.typeName() + " has " + network.namedChildren().keySet());
        }
        return linear;
    }

    /** The feature width, the classifier's input size. */
    public int features() {
        return features;
    }

    /**
     * φ(images) as float64 [n, features] on the host, in the current scope (evaluation mode, no
     * gradients). The images (on any device) are run where the network is; the features come
     * back to the host, where the analytic head's float64 ridge algebra runs.
     */
    public Tensor features(Tensor images) {
        try (NoGrad g = NoGrad.enter(); MemoryScope scope = MemoryScope.open()) {
            Tensor phi = twin.forward(images.to(twin.device())).value();
            return scope.keep(phi.to(DType.FLOAT64).to(Device.CPU));
        }
    }

    /** Frees the twin's copy of the weights now; the backbone cannot be used afterwards. */
    @Override
    public void close() {
        for (Tensor t : twin.stateDict().values()) {
            t.close();
        }
    }
}
