package dev.lethe.unlearn.baseline;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import java.util.List;

/**
 * The ℓ1 term of ℓ1-sparse unlearning (Jia et al. 2023, "Model Sparsity Can Simplify Machine
 * Unlearning", the ℓ1-sparse unlearning objective with the linearly decaying weight of their
 * code): the loss
 * {@code CE + γ_e·‖θ‖₁} over all parameters, {@code γ_e = γ·(1 − e/E)} in epoch
 * {@code e = 0..E−1}. Its contribution to the gradient is added directly to each parameter's
 * gradient after the backward pass: {@code γ_e·sign(θ)}, the subgradient that is 0 at θ = 0
 * (PyTorch's convention for {@code |x|}, what the reference's {@code torch.linalg.norm(θ, 1)}
 * back-propagates).
 *
 * @param gamma  γ, the weight in the first epoch (&ge; 0)
 * @param epochs E
 */
public record L1Penalty(double gamma, int epochs) {

    /** Checks the values. */
    public L1Penalty {
        if (!(gamma >= 0) || Double.isInfinite(gamma) || epochs < 1) {
            throw new IllegalArgumentException("the l1 penalty needs gamma >= 0 and epochs >= 1, got " + gamma + " and "
                    + epochs);
        }
    }

    /** γ_e = γ·(1 − e/E). */
    public double weight(int epoch) {
        if (epoch < 0 || epoch >= epochs) {
            throw new IllegalArgumentException("epoch " + epoch + " is outside 0.." + (epochs - 1));
        }
        return gamma * (1 - (double) epoch / epochs);
    }

    /** Adds γ_e·sign(θ) to the gradient of every parameter that has one, in place. */
    @SuppressWarnings("try") // the scope frees the sign tensor without being named
    public void addSubgradient(List<Variable> params, int epoch) {
        double w = weight(epoch);
        if (w == 0) {
            return;
        }
        for (Variable p : params) {
            Tensor g = p.grad();
            if (g != null) {
                try (MemoryScope scope = MemoryScope.open()) {
                    g.add_(p.value().sign().mul_(w));
                }
            }
        }
    }
}
