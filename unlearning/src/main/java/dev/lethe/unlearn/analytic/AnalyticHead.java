package dev.lethe.unlearn.analytic;

import dev.lethe.nn.ModelSpec;
import dev.lethe.nn.Module;
import dev.lethe.tensor.Tensor;
import java.nio.file.Path;
import java.util.Map;

/**
 * The analytic head of ACU (UNLEARNING.md): placeholder signatures, replaced by the implementation.
 */
public final class AnalyticHead {
    /** The prefix of the head's tensors in a checkpoint. */
    public static final String PREFIX = "analytic.";

    private AnalyticHead() {
    }

    /** The head a checkpoint carries, or null when it carries none. */
    public static AnalyticHead fromCheckpoint(Path file, Map<String, Tensor> extras, Map<String, String> metadata) {
        for (String name : extras.keySet()) {
            if (name.startsWith(PREFIX)) {
                throw new UnsupportedOperationException("analytic heads are not implemented yet");
            }
        }
        return null;
    }

    /** The tensors written into a checkpoint. */
    public Map<String, Tensor> tensors() {
        throw new UnsupportedOperationException();
    }

    /** The metadata written into a checkpoint. */
    public Map<String, String> metadata() {
        throw new UnsupportedOperationException();
    }

    /** A deep copy. */
    public AnalyticHead copy() {
        throw new UnsupportedOperationException();
    }

    /** The classifier: this head over {@code network}'s frozen backbone. */
    public Module classifier(Module network, ModelSpec spec) {
        throw new UnsupportedOperationException();
    }
}
