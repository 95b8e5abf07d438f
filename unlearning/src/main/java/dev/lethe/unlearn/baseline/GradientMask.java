package dev.lethe.unlearn.baseline;

import dev.lethe.autograd.Variable;
import dev.lethe.nn.Module;
import dev.lethe.optim.Optimizer;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Shape;
import dev.lethe.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A weight-saliency mask m applied to fine-tuning (Fan et al., ICLR 2024, "SalUn", the saliency-based
 * update {@code θ_u = m ⊙ (θ_o + Δθ) + (1 − m) ⊙ θ_o}): before each step the gradients are multiplied
 * by m; after it every masked-out scalar (m = 0) is set back to its original value and its
 * momentum to 0, so it stays bit-exactly θ_o however weight decay and momentum would move it.
 * <b>Decision</b> of UNLEARNING.md: the paper's formula, where the paper-era code masked only the
 * gradient and let weight decay shrink the masked-out weights.
 *
 * <p>The mask and the original's values are read, never written; the original's tensors are
 * referenced, not copied (it is never modified).
 */
public final class GradientMask {
    private final LinkedHashMap<String, Tensor> masks;
    private final LinkedHashMap<String, Tensor> original;

    /**
     * A mask of {@code masks} (0/1 float tensor per parameter name, every parameter of
     * {@code original}, the same shapes) with {@code original}'s parameter values as θ_o.
     */
    public GradientMask(Map<String, Tensor> masks, Module original) {
        this.masks = new LinkedHashMap<>();
        this.original = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Variable> p : original.namedParameters().entrySet()) {
            Tensor m = masks.get(p.getKey());
            if (m == null) {
                problems.add("no mask for parameter " + p.getKey());
            } else if (!m.device().equals(p.getValue().value().device())) {
                problems.add("the mask of " + p.getKey() + " is on " + m.device() + ", the parameter on "
                        + p.getValue().value().device());
            } else if (!Arrays.equals(m.shape(), p.getValue().shape())) {
                problems.add("the mask of " + p.getKey() + " has shape " + Shape.str(m.shape()) + ", the parameter "
                        + Shape.str(p.getValue().shape()));
            } else {
                this.masks.put(p.getKey(), m);
                this.original.put(p.getKey(), p.getValue().value());
            }
        }
        for (String name : masks.keySet()) {
            if (!original.namedParameters().containsKey(name)) {
                problems.add("the mask names " + name + ", which the model does not have");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the gradient mask does not fit the model: " + String.join("; ", problems));
        }
    }

    /** g ← m ⊙ g for every parameter of {@code params} (the working copy, by name) that has a gradient. */
    void maskGradients(Map<String, Variable> params) {
        for (Map.Entry<String, Variable> p : params.entrySet()) {
            Tensor g = p.getValue().grad();
            if (g != null) {
                g.mul_(mask(p.getKey()));
            }
        }
    }

    /**
     * After a step: θ ← θ_o and the momentum buffer ← 0 wherever m = 0 (a select, not
     * arithmetic, so the values come back bit for bit, signed zeros included).
     * {@code optimizer} was built over {@code params}' values in their order.
     */
    @SuppressWarnings("try") // the scope frees the selections without being named
    void restoreMaskedOut(Map<String, Variable> params, Optimizer optimizer) {
        Map<String, Tensor> state = optimizer.state();
        int i = 0;
        for (Map.Entry<String, Variable> p : params.entrySet()) {
            Tensor m = mask(p.getKey());
            try (MemoryScope scope = MemoryScope.open()) {
                Tensor value = p.getValue().value();
                value.copyFrom_(Tensor.where(m, value, original.get(p.getKey())));
                Tensor momentum = state.get(i + ".momentum_buffer");
                if (momentum != null) {
                    momentum.copyFrom_(Tensor.where(m, momentum, momentum.fullLike(0.0)));
                }
            }
            i++;
        }
    }

    private Tensor mask(String name) {
        Tensor m = masks.get(name);
        if (m == null) {
            throw new IllegalArgumentException("the gradient mask has no entry for parameter " + name);
        }
        return m;
    }
}
