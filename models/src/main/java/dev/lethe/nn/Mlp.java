package dev.lethe.nn;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Philox;
import dev.lethe.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * A multi-layer perceptron: the input flattened to (N, C·H·W), then for each hidden width a
 * Linear layer {@code fc1 … fcK}, ReLU and optional dropout, then the classifier {@code head}.
 * Linear layers take PyTorch's default init.
 */
public final class Mlp extends Module {
    private final int inFeatures;
    private final List<Linear> hidden = new ArrayList<>();
    private final List<Dropout> drops = new ArrayList<>();
    private final Linear head;

    /**
     * An MLP of {@code inFeatures} → {@code hidden[0]} → … → {@code numClasses}, with dropout
     * probability {@code dropout} (0 for none) after each hidden ReLU.
     */
    public Mlp(int inFeatures, List<Integer> hiddenWidths, int numClasses, double dropout, Philox rng) {
        if (inFeatures < 1 || numClasses < 1) {
            throw new IllegalArgumentException("MLP needs in_features >= 1 and num_classes >= 1, got " + inFeatures
                    + " and " + numClasses);
        }
        this.inFeatures = inFeatures;
        int width = inFeatures;
        for (int i = 0; i < hiddenWidths.size(); i++) {
            int h = hiddenWidths.get(i);
            if (h < 1) {
                throw new IllegalArgumentException("MLP hidden width " + (i + 1) + " must be >= 1, got " + h);
            }
            hidden.add(registerModule("fc" + (i + 1), new Linear(width, h, true, rng)));
            if (dropout > 0) {
                drops.add(registerModule("drop" + (i + 1), new Dropout(dropout, rng)));
            }
            width = h;
        }
        this.head = registerModule("head", new Linear(width, numClasses, true, rng));
    }

    @Override
    public Variable forward(Variable x) {
        if (x.rank() < 1) {
            throw new IllegalArgumentException("MLP expects input [N, ...], got a scalar");
        }
        long features = x.rank() == 1 ? 1 : (long) x.numel() / Math.max(x.size(0), 1);
        if (x.size(0) > 0 && features != inFeatures) {
            throw new IllegalArgumentException("MLP expects C·H·W = in_features = " + inFeatures
                    + ", got input of shape " + Shape.str(x.shape()) + " with " + features + " features per sample");
        }
        Variable y = x.rank() == 2 ? x : x.reshape(x.size(0), inFeatures);
        for (int i = 0; i < hidden.size(); i++) {
            y = hidden.get(i).forward(y).relu();
            if (!drops.isEmpty()) {
                y = drops.get(i).forward(y);
            }
        }
        return head.forward(y);
    }

    /** The classifier layer. */
    public Linear head() {
        return head;
    }
}
