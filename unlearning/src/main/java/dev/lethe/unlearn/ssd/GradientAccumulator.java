package dev.lethe.unlearn.ssd;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.DType;
import dev.lethe.tensor.Tensor;
import dev.lethe.tensor.UnaryOp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Running sums Σ_b h(g_b) of a transform h (square or absolute value) of every parameter's
 * gradient, one float64 tensor per parameter allocated once. {@link #add()} works in place:
 * it transforms each gradient where autograd left it, adds it to the sum and zeroes it for the
 * next backward pass, so an importance pass allocates nothing per batch beyond the step's own
 * activations.
 */
final class GradientAccumulator {
    private final List<String> names = new ArrayList<>();
    private final List<Variable> parameters = new ArrayList<>();
    private final List<Tensor> sums = new ArrayList<>();
    private final UnaryOp transform;
    private long terms;

    /**
     * Zero sums for {@code parameters} in the current memory scope.
     *
     * @param transform {@link UnaryOp#SQUARE} (SSD) or {@link UnaryOp#ABS} (LFSSD)
     */
    GradientAccumulator(Map<String, Variable> parameters, UnaryOp transform) {
        this.transform = transform;
        parameters.forEach((name, p) -> {
            names.add(name);
            this.parameters.add(p);
            sums.add(Tensor.zeros(DType.FLOAT64, p.shape()).to(p.value().device()));
        });
    }

    /**
     * Adds h(grad) of every parameter to its sum and zeroes the gradient in place (a parameter
     * the last backward pass did not reach adds nothing).
     */
    void add() {
        for (int i = 0; i < parameters.size(); i++) {
            Tensor g = parameters.get(i).grad();
            if (g != null) {
                g.map_(transform);
                sums.get(i).add_(g);
                g.fill_(0);
            }
        }
        terms++;
    }

    /** Terms added so far. */
    long terms() {
        return terms;
    }

    /**
     * The sums divided by {@code divisor} (in place, in float64), then as new float32 tensors in
     * the current memory scope, by parameter name in the order given to the constructor. Call it
     * once, at the end.
     */
    LinkedHashMap<String, Tensor> averages(long divisor) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < sums.size(); i++) {
            Tensor sum = sums.get(i);
            try (Tensor d = Tensor.scalar(divisor, DType.FLOAT64)) {
                sum.div_(d.to(sum.device()));
            }
            out.put(names.get(i), sum.to(DType.FLOAT32));
        }
        return out;
    }
}
