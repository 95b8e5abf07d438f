package dev.lethe.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * A state dict that does not fit a module: every missing, unexpected and mis-shaped tensor is
 * named in one message, e.g. {@code state dict does not fit ResNet: missing fc.bias;
 * unexpected head.weight; fc.weight has shape [10, 512], the model expects [1000, 512]}.
 * Nothing was loaded when this is thrown.
 */
public final class StateDictMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final List<String> missing;
    private final List<String> unexpected;
    private final List<String> mismatched;

    /** A mismatch for {@code model}; the lists name the tensors (mismatched entries are full sentences). */
    public StateDictMismatchException(String model, List<String> missing, List<String> unexpected,
                                      List<String> mismatched) {
        super(message(model, missing, unexpected, mismatched));
        this.missing = List.copyOf(missing);
        this.unexpected = List.copyOf(unexpected);
        this.mismatched = List.copyOf(mismatched);
    }

    private static String message(String model, List<String> missing, List<String> unexpected,
                                  List<String> mismatched) {
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) {
            parts.add("missing " + String.join(", ", missing));
        }
        if (!unexpected.isEmpty()) {
            parts.add("unexpected " + String.join(", ", unexpected));
        }
        parts.addAll(mismatched);
        return "state dict does not fit " + model + ": " + String.join("; ", parts);
    }

    /** Names the model has and the state dict lacks. */
    public List<String> missing() {
        return missing;
    }

    /** Names the state dict has and the model lacks. */
    public List<String> unexpected() {
        return unexpected;
    }

    /** One sentence per tensor whose shape or kind of dtype does not fit. */
    public List<String> mismatched() {
        return mismatched;
    }
}
