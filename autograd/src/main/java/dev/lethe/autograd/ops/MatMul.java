package dev.lethe.autograd.ops;

import dev.lethe.autograd.Function;
import dev.lethe.autograd.Variable;
import dev.lethe.tensor.Tensor;

/**
 * Batched matrix product {@code C = A·B} of rank-&ge;2 operands with broadcast batch dimensions.
 * Backward: dA = dC·Bᵀ and dB = Aᵀ·dC per batch element, summed over the batch dimensions an
 * operand was broadcast along. Transposes are views that BLAS reads as flags, not copies.
 */
public final class MatMul extends Function {
    private final int[] aShape;
    private final int[] bShape;

    private MatMul(Variable a, Variable b) {
        this.aShape = a.shape();
        this.bShape = b.shape();
    }

    /** The forward rule; both operands have rank &ge; 2 and one floating dtype (the error names the shapes). */
    public static Variable apply(Variable a, Variable b) {
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException("MatMul needs operands of rank >= 2, got "
                    + java.util.Arrays.toString(a.shape()) + " and " + java.util.Arrays.toString(b.shape()));
        }
        MatMul fn = new MatMul(a, b);
        fn.save(a.value(), b.value());
        return fn.record(a.value().matmul(b.value()), a, b);
    }

    @Override
    protected Tensor[] backward(Tensor g) {
        Tensor a = saved(0);
        Tensor b = saved(1);
        Tensor ga = needsInputGrad(0) ? unbroadcast(g.matmul(b.t()), aShape) : null;
        Tensor gb = null;
        if (needsInputGrad(1)) {
            if (b.rank() == 2 && a.rank() > 2) {
                // A weight shared by every batch element (a Linear layer on [B, N, D]): one GEMM
                // over the flattened batch instead of a batched product and a sum.
                int k = a.size(-1);
                int n = g.size(-1);
                gb = a.reshape(-1, k).t().matmul(g.reshape(-1, n));
            } else {
                gb = unbroadcast(a.t().matmul(g), bShape);
            }
        }
        return new Tensor[] {ga, gb};
    }
}
