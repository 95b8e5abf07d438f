package dev.lethe.optim;

import dev.lethe.autograd.Variable;
import dev.lethe.tensor.MemoryScope;
import dev.lethe.tensor.Tensor;
import java.util.List;

/** Gradient clipping by the global norm, as {@code torch.nn.utils.clip_grad_norm_}. */
public final class GradClip {
    /** Added to the norm before dividing, as PyTorch does, so a zero norm never divides by zero. */
    static final double EPS = 1e-6;

    private GradClip() {
    }

    /**
     * Scales every gradient in place by {@code maxNorm / (norm + 1e-6)} when that factor is
     * below 1, where {@code norm} is the 2-norm of all gradients together (the square root of
     * the sum of their squared 2-norms); parameters without a gradient are skipped. Returns
     * {@code norm} from before the scaling. A non-finite norm is returned as it is and nothing is
     * scaled, so the caller can stop on it.
     */
    public static double clipGlobalNorm(List<Variable> params, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, got " + maxNorm);
        }
        double sumOfSquares = 0;
        for (Variable p : params) {
            Tensor g = p.grad();
            if (g != null) {
                try (MemoryScope scope = MemoryScope.open()) {
                    double n = g.norm().item();
                    sumOfSquares += n * n;
                }
            }
        }
        double norm = Math.sqrt(sumOfSquares);
        double coef = maxNorm / (norm + EPS);
        if (Double.isFinite(norm) && coef < 1) {
            for (Variable p : params) {
                if (p.grad() != null) {
                    p.grad().mul_(coef);
                }
            }
        }
        return norm;
    }
}
